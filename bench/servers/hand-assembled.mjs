// What a careful engineer assembles by hand for Bulwark's read routes: Fastify + @fastify/helmet
// (the same security headers as Bulwark) + @fastify/jwt (ES256, fast-jwt's verified-token cache)
// + better-sqlite3 prepared statements on the SAME database file a seeded Bulwark data dir holds,
// answering the same JSON shapes through response schemas. The bar Bulwark's own routes must meet.
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import helmet from '@fastify/helmet';
import fastifyJwt from '@fastify/jwt';
import { createPublicKey } from 'node:crypto';

const port = Number(process.env.BENCH_PORT ?? 0);
const jwk = JSON.parse(process.env.BENCH_JWK);
const publicPem = createPublicKey({ key: jwk, format: 'jwk' }).export({ format: 'pem', type: 'spki' });
const db = new Database(process.env.BENCH_DB, { readonly: true, fileMustExist: true });

const userById = db.prepare(
  `select id, username, role, employee_id, disabled, email, email_verified_at as email_verified,
    (select json_group_array(name) from (select r.name from user_roles ur join roles r on r.id = ur.role_id
      where ur.user_id = users.id order by r.name)) as roles, attributes, created_at, updated_at,
    (select json_group_array(name) from (select p.name from api_permissions p join apis a on a.id = p.api_id
      where a.identifier = 'urn:bulwark:api' and exists (select 1 from user_roles ur join role_permissions rp
        on rp.role_id = ur.role_id where ur.user_id = users.id and rp.api_id = p.api_id and rp.permission = p.name)
      order by p.position)) as permissions from users where id = ?`,
);
const employeeById = db.prepare('select * from employees where id = ?');
const firstPayments = db.prepare('select * from payments order by created_at, id limit ?');
const paymentsAfter = db.prepare(
  'select * from payments where created_at > ? or (created_at = ? and id > ?) order by created_at, id limit ?',
);

const iso = (ms) => new Date(Number(ms)).toISOString();
const nullable = (type) => ({ anyOf: [{ type }, { type: 'null' }] });
const User = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    username: { type: 'string' },
    role: { type: 'string' },
    employee_id: nullable('string'),
    disabled: { type: 'boolean' },
    email: nullable('string'),
    email_verified: { type: 'boolean' },
    roles: { type: 'array', items: { type: 'string' } },
    attributes: { type: 'object', additionalProperties: true },
    created_at: { type: 'string' },
    updated_at: { type: 'string' },
    permissions: { type: 'array', items: { type: 'string' } },
  },
};
const text = (...names) => names.map((k) => [k, { type: 'string' }]);
const Employee = {
  type: 'object',
  properties: Object.fromEntries([
    ...text('id', 'name', 'email', 'department', 'title'),
    ['salary_cents', { type: 'integer' }],
    ...text('currency', 'bank_account', 'hired_on', 'status', 'created_at', 'updated_at'),
  ]),
};
const Payment = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    employee_id: { type: 'string' },
    amount_cents: { type: 'integer' },
    currency: { type: 'string' },
    period: { type: 'string' },
    kind: { type: 'string' },
    reverses_payment_id: nullable('string'),
    reversed_by_payment_id: nullable('string'),
    memo: nullable('string'),
    created_by: { type: 'string' },
    created_at: { type: 'string' },
  },
};
const PaymentPage = {
  type: 'object',
  properties: { items: { type: 'array', items: Payment }, next_cursor: nullable('string') },
};

const mask = (iban) =>
  (iban.slice(0, 2) + '*'.repeat(Math.max(iban.length - 6, 0)) + iban.slice(-4)).replace(/(.{4})(?=.)/g, '$1 ');

// BENCH_HAND_TIMEOUTS=1: the same slowloris deadlines and keep-alive timeout as Bulwark's server.
const timeouts =
  process.env.BENCH_HAND_TIMEOUTS === '1'
    ? {
        http: {
          maxHeaderSize: 16 * 1024,
          headersTimeout: 10_000,
          requestTimeout: 10_000,
          connectionsCheckingInterval: 1_000,
        },
        requestTimeout: 10_000,
        connectionTimeout: 30_000,
        keepAliveTimeout: 5_000,
      }
    : {};
const app = Fastify({ logger: false, ...timeouts });
await app.register(helmet, {
  contentSecurityPolicy: false,
  hsts: false,
  frameguard: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
});
await app.register(fastifyJwt, {
  secret: { public: publicPem },
  verify: {
    algorithms: [jwk.alg],
    allowedIss: process.env.BENCH_ISSUER,
    allowedAud: process.env.BENCH_AUDIENCE,
    cache: true,
  },
});
// Static headers, set once per request: the API's locked-down CSP and no caching on the way.
const STATIC_HEADERS = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'cache-control': 'no-store',
};
app.addHook('onRequest', (_request, reply, done) => {
  reply.headers(STATIC_HEADERS);
  done();
});
const auth = { onRequest: (request) => request.jwtVerify() };

app.get('/healthz', async () => ({ status: 'ok' }));

app.get('/api/users/me', { ...auth, schema: { response: { 200: User } } }, async (request, reply) => {
  const row = userById.get(request.user.sub);
  if (row === undefined) return reply.code(401).send({ error: 'invalid_token' });
  return {
    ...row,
    disabled: row.disabled !== 0,
    email_verified: row.email_verified !== null,
    roles: JSON.parse(row.roles),
    attributes: JSON.parse(row.attributes),
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
    permissions: JSON.parse(row.permissions),
  };
});

app.get(
  '/api/employees/:id',
  {
    ...auth,
    schema: {
      params: { type: 'object', properties: { id: { type: 'string', maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' } } },
      response: { 200: Employee },
    },
  },
  async (request, reply) => {
    const { role, employee_id: own } = request.user;
    if (role !== 'admin' && role !== 'clerk' && own !== request.params.id)
      return reply.code(404).send({ error: 'not_found' });
    const row = employeeById.get(request.params.id);
    if (row === undefined) return reply.code(404).send({ error: 'not_found' });
    return {
      ...row,
      currency: row.currency.trim(),
      bank_account: role === 'clerk' ? mask(row.bank_account) : row.bank_account,
      created_at: iso(row.created_at),
      updated_at: iso(row.updated_at),
    };
  },
);

app.get(
  '/api/payments',
  {
    ...auth,
    schema: {
      querystring: {
        type: 'object',
        properties: {
          limit: { type: 'integer', minimum: 1, maximum: 100 },
          cursor: { type: 'string', maxLength: 256 },
        },
      },
      response: { 200: PaymentPage },
    },
  },
  async (request) => {
    if (request.user.role !== 'admin' && request.user.role !== 'clerk') return { items: [], next_cursor: null }; // the bench calls as admin
    const limit = request.query.limit ?? 20;
    const after =
      request.query.cursor === undefined
        ? undefined
        : JSON.parse(Buffer.from(request.query.cursor, 'base64url').toString());
    const rows =
      after === undefined ? firstPayments.all(limit + 1) : paymentsAfter.all(after[0], after[0], after[1], limit + 1);
    const items = rows
      .slice(0, limit)
      .map((p) => ({ ...p, currency: p.currency.trim(), created_at: iso(p.created_at) }));
    const last = rows.length > limit ? items[items.length - 1] : undefined;
    return {
      items,
      next_cursor:
        last === undefined
          ? null
          : Buffer.from(JSON.stringify([Date.parse(last.created_at), last.id])).toString('base64url'),
    };
  },
);

await app.listen({ port, host: '127.0.0.1' });
process.send?.({ ready: true, port: app.server.address().port });
