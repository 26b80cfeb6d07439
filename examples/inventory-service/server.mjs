/* eslint-disable no-console -- a runnable example: its console is its log */
// A team's own API, not payroll: a small inventory service on Fastify that trusts Bulwark only
// through @bulwark/guard. It is registered at the token service as an API of its own (its
// identifier is the `aud` of the tokens it accepts) with two permissions, and it checks them:
//   inventory:read   list and read items
//   inventory:write  add items and change their stock
//   PORT=4100 BULWARK_ISSUER=http://localhost:3000 BULWARK_CLIENT_ID=… BULWARK_CLIENT_SECRET=… \
//   INVENTORY_API=https://inventory.example.com/api node server.mjs
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import Fastify from 'fastify';
import { createIssuerVerifier } from '@bulwark/guard';
import { bulwarkGuard } from '@bulwark/guard/fastify';

const env = (name, fallback) => {
  const value = process.env[name] ?? fallback;
  if (value === undefined || value === '') throw new Error(`${name} is required`);
  return value;
};

// Discovery, JWKS and the revocation feed (this service's client, scope ssf:poll) in one call.
const verifier = await createIssuerVerifier({
  issuer: env('BULWARK_ISSUER').replace(/\/+$/, ''),
  audience: env('INVENTORY_API', 'https://inventory.example.com/api'),
  clientId: env('BULWARK_CLIENT_ID'),
  clientSecret: env('BULWARK_CLIENT_SECRET'),
  onError: (e) => console.error(`${new Date().toISOString()} token service: ${e.message}`),
});

// Bodies are checked as they are: an unknown field or a string for a number is a 400, not
// silently dropped or converted (Fastify's default Ajv options would do both).
const app = Fastify({ logger: false, ajv: { customOptions: { removeAdditional: false, coerceTypes: false } } });
await app.register(bulwarkGuard, { verifier });
app.addHook('onClose', () => verifier.close());

// The service's own refusals in the same shape as the guard's (problem+json, a stable code); the
// guard answers 401/403 itself before any of this runs.
app.setNotFoundHandler((_request, reply) =>
  reply
    .code(404)
    .type('application/problem+json')
    .send(problem(404, 'Not Found', 'not_found', 'No such route.')),
);
app.setErrorHandler((error, _request, reply) => {
  if (error.validation !== undefined) {
    return reply
      .code(400)
      .type('application/problem+json')
      .send(problem(400, 'Bad Request', 'invalid_request', 'The request body is not a valid item.'));
  }
  const status =
    error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
  if (status === 500) console.error(`${new Date().toISOString()} ${error.stack ?? error.message}`);
  return reply
    .code(status)
    .type('application/problem+json')
    .send(
      status === 500
        ? problem(500, 'Internal Server Error', 'internal_error', 'The server could not complete the request.')
        : problem(status, STATUS_CODES[status] ?? 'Error', 'invalid_request', 'The request could not be read.'),
    );
});

/** The service's own data: in memory, enough for an example. */
const items = new Map();
const canRead = { onRequest: app.requireAuth({ scopes: ['inventory:read'] }) };
const canWrite = { onRequest: app.requireAuth({ scopes: ['inventory:write'] }) };

const itemBody = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'stock'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 100 },
    stock: { type: 'integer', minimum: 0, maximum: 1_000_000 },
  },
};

app.get('/items', canRead, async () => ({ items: [...items.values()] }));
app.get('/items/:id', canRead, async (request, reply) => {
  const item = items.get(request.params.id);
  if (item === undefined) return reply.code(404).type('application/problem+json').send(notFound());
  return item;
});
app.post('/items', { ...canWrite, schema: { body: itemBody } }, async (request, reply) => {
  const item = { id: randomUUID(), ...request.body, updated_by: request.auth.sub };
  items.set(item.id, item);
  return reply.code(201).send(item);
});
// Who is calling, as the token says: its subject, the roles that grant something here, the scope.
app.get('/whoami', { onRequest: app.requireAuth() }, async (request) => ({
  sub: request.auth.sub,
  roles: request.auth.roles ?? [],
  scope: request.auth.scope ?? '',
}));
// How current this service's revocations are (ms; 0 while the feed's long poll is open).
app.get('/healthz', async (_request, reply) => {
  const staleness = verifier.revocations.staleness();
  return reply
    .code(Number.isFinite(staleness) ? 200 : 503)
    .send({ revocation_staleness_ms: Number.isFinite(staleness) ? staleness : null });
});

function notFound() {
  return problem(404, 'Not Found', 'not_found', 'No such item.');
}

function problem(status, title, code, detail) {
  return { type: `urn:bulwark:problem:${code}`, title, status, code, detail };
}

const address = await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
console.log(`inventory-service listening on ${address}`);
const stop = async () => {
  await app.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
