export { createSetFeedRevocationSource, SetFeedRevocationSource } from './source.js';
export { SET_FEED_SOURCE_DEFAULTS, type SetFeedSourceOptions, type UnreachablePolicy } from './options.js';
export { clientCredentialsToken, type ClientCredentialsOptions } from './client-credentials.js';
export { SetFeedError } from './feed-http.js';
export { SetRejectedError, CREDENTIAL_CHANGE, SESSION_REVOKED, TOKEN_REVOKED } from './verify-set.js';
