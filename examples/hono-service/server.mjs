/* eslint-disable no-console -- a runnable example: its console is its log */
// The same third-party service on Hono (node:http through a tiny adapter, no extra package).
//   PORT=4001 BULWARK_ISSUER=http://localhost:3000 BULWARK_CLIENT_ID=… BULWARK_CLIENT_SECRET=… node server.mjs
import { createServer } from 'node:http';
import { Hono } from 'hono';
import { createIssuerVerifier } from '@bulwark/guard';
import { createHonoMiddleware } from '@bulwark/guard/hono';

const env = (name, fallback) => {
  const value = process.env[name] ?? fallback;
  if (value === undefined || value === '') throw new Error(`${name} is required`);
  return value;
};
const log = (message, error) =>
  console.error(`${new Date().toISOString()} ${message}${error ? `: ${error.message}` : ''}`);

// Discovery, JWKS and the revocation feed (client credentials, scope ssf:poll) in one call.
const verifier = await createIssuerVerifier({
  issuer: env('BULWARK_ISSUER').replace(/\/+$/, ''),
  audience: env('BULWARK_AUDIENCE', 'payroll'),
  clientId: env('BULWARK_CLIENT_ID'),
  clientSecret: env('BULWARK_CLIENT_SECRET'),
  onError: (e) => log('token service', e),
});

const app = new Hono();
// The guard's middleware: 401/403 problem+json with the RFC 6750 challenge, as every adapter answers.
app.get('/whoami', createHonoMiddleware(verifier), (c) =>
  c.json({ sub: c.get('auth').sub, role: c.get('auth').role ?? null }),
);
app.get('/healthz', (c) => {
  const staleness = verifier.revocations.staleness();
  return c.json(
    { revocation_staleness_ms: Number.isFinite(staleness) ? staleness : null },
    Number.isFinite(staleness) ? 200 : 503,
  );
});

// Hono speaks fetch Request/Response; node:http needs a small bridge.
const server = createServer(async (req, res) => {
  const response = await app.fetch(
    new Request(`http://${req.headers.host ?? '127.0.0.1'}${req.url}`, { method: req.method, headers: req.headers }),
  );
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`hono-service listening on http://127.0.0.1:${server.address().port}`);
});
const stop = async () => {
  server.close();
  await verifier.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
