// Bulwark's guard on Fastify, imported from the package export exactly as a user would.
import Fastify from 'fastify';
import { bulwarkGuard, createVerifier, LocalKeySource, verificationKeyFromJwk } from 'bulwark/guard';
import { audience, issuer, jwk, port, ready } from './common.mjs';

const keys = new LocalKeySource([verificationKeyFromJwk(jwk, jwk.alg)]);
const cache = process.env.BENCH_CACHE === '0' ? undefined : { max: 10_000 };
const verifier = createVerifier({ issuer, audience, algorithms: [jwk.alg], keys, cache });
const app = Fastify({ logger: false });
await app.register(bulwarkGuard, { verifier });
app.get('/api/protected', { onRequest: app.requireAuth() }, async (request) => ({ ok: true, sub: request.auth.sub }));
await app.listen({ port, host: '127.0.0.1' });
ready(app.server);
