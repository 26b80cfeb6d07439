// The least a hand-assembled stack does for Bulwark's read routes (issue #22): Fastify +
// @fastify/helmet (its defaults, less what plain HTTP and a JSON API make wrong: no HSTS, no HTML
// CSP) + @fastify/jwt (ES256, fast-jwt's verified-token cache) + one better-sqlite3 prepared
// statement per route on the SAME database file, no response schemas and no hooks of its own: the
// remaining headers Bulwark sends (its API CSP, no-store) are set in each handler. The same
// status, JSON and security headers as Bulwark, checked before timing (bench/routes.ts).
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
const employeeById = db.prepare(
  'select id, name, email, department, title, salary_cents, currency, bank_account, hired_on, status, created_at, updated_at from employees where id = ?',
);
const firstPayments = db.prepare(
  'select id, employee_id, amount_cents, currency, period, kind, reverses_payment_id, reversed_by_payment_id, memo, created_by, created_at from payments order by created_at, id limit ?',
);

const iso = (ms) => new Date(Number(ms)).toISOString();
const mask = (iban) =>
  (iban.slice(0, 2) + '*'.repeat(Math.max(iban.length - 6, 0)) + iban.slice(-4)).replace(/(.{4})(?=.)/g, '$1 ');

const HEADERS = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'cache-control': 'no-store',
};

const app = Fastify({ logger: false });
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

/** The token, or a 401 answered here (the handler then stops). */
async function authenticated(request, reply) {
  try {
    await request.jwtVerify();
    return true;
  } catch {
    reply.code(401).headers(HEADERS).send({ error: 'invalid_token' });
    return false;
  }
}

app.get('/healthz', async (_request, reply) => {
  reply.headers(HEADERS);
  return { status: 'ok' };
});

app.get('/api/users/me', async (request, reply) => {
  if (!(await authenticated(request, reply))) return reply;
  reply.headers(HEADERS);
  const row = userById.get(request.user.sub);
  if (row === undefined) return reply.code(401).send({ error: 'invalid_token' });
  row.disabled = row.disabled !== 0;
  row.email_verified = row.email_verified !== null;
  row.roles = JSON.parse(row.roles);
  row.attributes = JSON.parse(row.attributes);
  row.created_at = iso(row.created_at);
  row.updated_at = iso(row.updated_at);
  row.permissions = JSON.parse(row.permissions);
  return row;
});

app.get('/api/employees/:id', async (request, reply) => {
  if (!(await authenticated(request, reply))) return reply;
  reply.headers(HEADERS);
  const { role, employee_id: own } = request.user;
  const id = request.params.id;
  if (id.length > 64 || !/^[A-Za-z0-9_-]+$/.test(id)) return reply.code(400).send({ error: 'invalid_request' });
  if (role !== 'admin' && role !== 'clerk' && own !== id) return reply.code(404).send({ error: 'not_found' });
  const row = employeeById.get(id);
  if (row === undefined) return reply.code(404).send({ error: 'not_found' });
  row.currency = row.currency.trim();
  if (role === 'clerk') row.bank_account = mask(row.bank_account);
  row.created_at = iso(row.created_at);
  row.updated_at = iso(row.updated_at);
  return row;
});

// The first page only (the benchmark's route); a cursor is refused rather than half-implemented.
app.get('/api/payments', async (request, reply) => {
  if (!(await authenticated(request, reply))) return reply;
  reply.headers(HEADERS);
  if (request.user.role !== 'admin' && request.user.role !== 'clerk') return { items: [], next_cursor: null };
  const limit = request.query.limit === undefined ? 20 : Number(request.query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100 || request.query.cursor !== undefined)
    return reply.code(400).send({ error: 'invalid_request' });
  const rows = firstPayments.all(limit + 1);
  const items = rows.slice(0, limit);
  for (const p of items) {
    p.currency = p.currency.trim();
    p.created_at = iso(p.created_at);
  }
  const last = rows.length > limit ? items[items.length - 1] : undefined;
  return {
    items,
    next_cursor:
      last === undefined
        ? null
        : Buffer.from(JSON.stringify([Date.parse(last.created_at), last.id])).toString('base64url'),
  };
});

await app.listen({ port, host: '127.0.0.1' });
process.send?.({ ready: true, port: app.server.address().port });
