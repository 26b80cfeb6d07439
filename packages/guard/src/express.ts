/**
 * `@bulwark/guard/express`: the node:http middleware for Express 5, with `req.auth` typed on
 * Express's Request (module augmentation). A separate entry so that the main one needs no
 * Express types.
 * @packageDocumentation
 */
// Types only: express is an optional peer. The import puts its Request into the program for the augmentation below.
import type {} from 'express-serve-static-core';
import type { AccessTokenClaims } from './types.js';

export {
  createAuthMiddleware,
  type AuthenticatedRequest,
  type AuthMiddleware,
  type AuthMiddlewareOptions,
  type NextFunction,
} from './adapters/node-http.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** The verified access token claims, set by `createAuthMiddleware` before the route's handler runs; undefined on routes without it. */
    auth?: AccessTokenClaims | undefined;
  }
}
