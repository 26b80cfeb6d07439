/**
 * `@bulwark/guard/hono`: the Hono 4 middleware. A separate entry so that the main one needs no
 * Hono types (a service on another framework compiles without them).
 * @packageDocumentation
 */
export { createHonoMiddleware, type HonoAuthEnv, type HonoMiddlewareOptions } from './adapters/hono.js';
