/**
 * `bulwark/guard`, kept for services that import the verifier from the product package: the same
 * API as @bulwark/guard, with its Fastify and Hono adapters (there the entries /fastify and /hono).
 */
export * from '@bulwark/guard';
export * from '@bulwark/guard/fastify';
export * from '@bulwark/guard/hono';
