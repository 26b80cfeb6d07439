export { createBulwarkClient } from './client.js';
export { takeLinkToken } from './accounts.js';
export { BulwarkMfaRequiredError, BulwarkPasswordChangeRequiredError } from './login-steps.js';
export {
  BulwarkNetworkError,
  BulwarkProblemError,
  BulwarkStepUpRequiredError,
  parseStepUpChallenge,
  type StepUpChallenge,
} from './problem-error.js';
export type { BulwarkPasskey, BulwarkPasskeys } from './passkeys/types.js';
export type {
  BulwarkAccounts,
  BulwarkClient,
  BulwarkClientOptions,
  BulwarkEvent,
  BulwarkListener,
  BulwarkRegistry,
  BulwarkUser,
  HttpMethod,
  RequestOptions,
} from './types.js';
