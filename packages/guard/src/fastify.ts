/**
 * `@bulwark/guard/fastify`: the Fastify 5 plugin `bulwarkGuard` and its hook. A separate entry so
 * that the main one needs no Fastify types (a service on another framework compiles without them).
 * @packageDocumentation
 */
export {
  bulwarkGuard,
  createAuthHook,
  type AuthHook,
  type AuthHookOptions,
  type AuthTarget,
  type FastifyOnError,
  type GuardPluginOptions,
  type RequireAuthOptions,
} from './adapters/fastify.js';
