/* eslint-disable no-console -- a runnable example: its console is its log */
// The same third-party service on Hono (node:http through a tiny adapter, no extra package).
//   PORT=4001 BULWARK_ISSUER=http://localhost:3000 BULWARK_CLIENT_ID=… BULWARK_CLIENT_SECRET=… node server.mjs
import { createServer } from 'node:http';
import { Hono } from 'hono';
import {
  clientCredentialsToken,
  createRemoteJwksSource,
  createSetFeedRevocationSource,
  createVerifier,
  extractBearerToken,
  isTokenError,
  PUBLIC_KEY_ALGS,
} from '@bulwark/guard';

const env = (name, fallback) => {
  const value = process.env[name] ?? fallback;
  if (value === undefined || value === '') throw new Error(`${name} is required`);
  return value;
};
const issuer = env('BULWARK_ISSUER').replace(/\/+$/, '');
const clientId = env('BULWARK_CLIENT_ID');
const clientSecret = env('BULWARK_CLIENT_SECRET');
const audience = env('BULWARK_AUDIENCE', 'payroll');
const log = (message, error) => console.error(`${new Date().toISOString()} ${message}${error ? `: ${error.message}` : ''}`);

const getJson = async (path) => {
  const response = await fetch(`${issuer}${path}`);
  if (!response.ok) throw new Error(`${issuer}${path} answered ${response.status}`);
  return response.json();
};
const metadata = await getJson('/.well-known/oauth-authorization-server');
const ssf = await getJson('/.well-known/ssf-configuration');

const keys = createRemoteJwksSource({ url: metadata.jwks_uri, algorithms: PUBLIC_KEY_ALGS, onError: (e) => log('JWKS fetch failed', e) });
await keys.ready();
const revocations = createSetFeedRevocationSource({
  issuer,
  clientId,
  keys,
  streamsUrl: ssf.configuration_endpoint,
  getAccessToken: clientCredentialsToken({ tokenUrl: metadata.token_endpoint, clientId, clientSecret }),
  onError: (e) => log('revocation feed', e),
});
await revocations.ready();
const verifier = createVerifier({ issuer, audience, algorithms: PUBLIC_KEY_ALGS, keys, revocations });

const app = new Hono();
// Bearer authentication: 401 with an RFC 6750 challenge for any refused token.
app.use('/whoami', async (c, next) => {
  try {
    c.set('auth', await verifier.verifyAsync(extractBearerToken(c.req.header('authorization'))));
  } catch (error) {
    if (!isTokenError(error)) throw error;
    c.header('WWW-Authenticate', 'Bearer error="invalid_token"');
    const problem = { type: 'about:blank', title: 'Unauthorized', status: 401, code: error.code };
    return c.body(JSON.stringify(problem), 401, { 'content-type': 'application/problem+json' });
  }
  await next();
});
app.get('/whoami', (c) => c.json({ sub: c.get('auth').sub, role: c.get('auth').role ?? null }));
app.get('/healthz', (c) => {
  const staleness = revocations.staleness();
  return c.json({ revocation_staleness_ms: Number.isFinite(staleness) ? staleness : null }, Number.isFinite(staleness) ? 200 : 503);
});

// Hono speaks fetch Request/Response; node:http needs a small bridge.
const server = createServer(async (req, res) => {
  const response = await app.fetch(new Request(`http://${req.headers.host ?? '127.0.0.1'}${req.url}`, { method: req.method, headers: req.headers }));
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`hono-service listening on http://127.0.0.1:${server.address().port}`);
});
const stop = async () => {
  server.close();
  keys.close();
  await revocations.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
