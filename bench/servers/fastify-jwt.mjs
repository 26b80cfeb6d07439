// Fastify + @fastify/jwt (fast-jwt underneath), as its README sets it up.
import Fastify from 'fastify';
import fastifyJwt from '@fastify/jwt';
import { audience, issuer, jwk, port, publicPem, ready } from './common.mjs';

const app = Fastify({ logger: false });
await app.register(fastifyJwt, {
  secret: { public: publicPem },
  verify: { algorithms: [jwk.alg], allowedIss: issuer, allowedAud: audience },
});
app.get('/api/protected', { onRequest: (request) => request.jwtVerify() }, async (request) => ({
  ok: true,
  sub: request.user.sub,
}));
await app.listen({ port, host: '127.0.0.1' });
ready(app.server);
