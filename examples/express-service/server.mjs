/* eslint-disable no-console -- a runnable example: its console is its log */
// A third-party service that trusts Bulwark tokens: keys from the token service's JWKS, revocations
// from its SET feed (RFC 8936), so a token stops working here within a second of a logout.
//   PORT=4000 BULWARK_ISSUER=http://localhost:3000 BULWARK_CLIENT_ID=… BULWARK_CLIENT_SECRET=… node server.mjs
import express from 'express';
import {
  clientCredentialsToken,
  createAuthMiddleware,
  createRemoteJwksSource,
  createSetFeedRevocationSource,
  createVerifier,
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
// The aud Bulwark puts in user tokens (the token service's BULWARK_AUDIENCE).
const audience = env('BULWARK_AUDIENCE', 'payroll');
const log = (message, error) => console.error(`${new Date().toISOString()} ${message}${error ? `: ${error.message}` : ''}`);

// Discovery: where the keys, the token endpoint and the feed's streams are.
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

const app = express();
app.get('/whoami', createAuthMiddleware(verifier), (req, res) => {
  res.json({ sub: req.auth.sub, role: req.auth.role ?? null });
});
// How current this service's revocations are (ms; 0 while the feed's long poll is open).
app.get('/healthz', (_req, res) => {
  const staleness = revocations.staleness();
  res.status(Number.isFinite(staleness) ? 200 : 503).json({ revocation_staleness_ms: Number.isFinite(staleness) ? staleness : null });
});

const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`express-service listening on http://127.0.0.1:${server.address().port}`);
});
const stop = async () => {
  server.close();
  keys.close();
  await revocations.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
