export { createBulwarkClient } from './client.js';
export { BulwarkNetworkError, BulwarkProblemError } from './problem-error.js';
export type {
  BulwarkClient,
  BulwarkClientOptions,
  BulwarkEvent,
  BulwarkListener,
  BulwarkUser,
  HttpMethod,
  RequestOptions,
} from './types.js';
