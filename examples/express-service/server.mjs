/* eslint-disable no-console -- a runnable example: its console is its log */
// A third-party service that trusts Bulwark tokens: keys from the token service's JWKS, revocations
// from its SET feed (RFC 8936), so a token stops working here within a second of a logout.
//   PORT=4000 BULWARK_ISSUER=http://localhost:3000 BULWARK_CLIENT_ID=… BULWARK_CLIENT_SECRET=… node server.mjs
import express from 'express';
import { createIssuerVerifier } from '@bulwark/guard';
import { createAuthMiddleware } from '@bulwark/guard/express';

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
  // The aud Bulwark puts in user tokens (the token service's BULWARK_AUDIENCE).
  audience: env('BULWARK_AUDIENCE', 'payroll'),
  clientId: env('BULWARK_CLIENT_ID'),
  clientSecret: env('BULWARK_CLIENT_SECRET'),
  onError: (e) => log('token service', e),
});

const app = express();
app.get('/whoami', createAuthMiddleware(verifier), (req, res) => {
  res.json({ sub: req.auth.sub, role: req.auth.role ?? null });
});
// How current this service's revocations are (ms; 0 while the feed's long poll is open).
app.get('/healthz', (_req, res) => {
  const staleness = verifier.revocations.staleness();
  res
    .status(Number.isFinite(staleness) ? 200 : 503)
    .json({ revocation_staleness_ms: Number.isFinite(staleness) ? staleness : null });
});

const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`express-service listening on http://127.0.0.1:${server.address().port}`);
});
const stop = async () => {
  server.close();
  await verifier.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
