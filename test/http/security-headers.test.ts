import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fastifyHelmet from '@fastify/helmet';
import Fastify from 'fastify';
import { helmetHeaders, SECURITY_HEADERS } from '../../src/http/security-headers.js';
import { createHarness, type Harness } from '../helpers/harness.js';

/** The options Bulwark gave @fastify/helmet before it computed helmet's headers once. */
const PLUGIN_OPTIONS = {
  contentSecurityPolicy: false,
  hsts: false,
  frameguard: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
} as const;

/** The headers helmet's own Fastify plugin sends with those options (differential reference). */
async function pluginHeaders(): Promise<Record<string, string>> {
  const app = Fastify();
  await app.register(fastifyHelmet, PLUGIN_OPTIONS);
  app.get('/x', async () => ({ ok: true }));
  const response = await app.inject({ url: '/x' });
  await app.close();
  const ignore = new Set(['content-type', 'content-length', 'date', 'connection']);
  return Object.fromEntries(
    Object.entries(response.headers)
      .filter(([name]) => !ignore.has(name))
      .map(([name, value]) => [name, String(value)]),
  );
}

describe('security headers computed once from helmet', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());

  it('are exactly the headers @fastify/helmet sends per request with the same options', async () => {
    assert.deepEqual({ ...SECURITY_HEADERS }, await pluginHeaders());
    assert.equal(SECURITY_HEADERS['x-frame-options'], 'DENY');
    assert.equal(SECURITY_HEADERS['referrer-policy'], 'no-referrer');
    assert.equal(SECURITY_HEADERS['content-security-policy'], undefined);
    assert.equal(SECURITY_HEADERS['strict-transport-security'], undefined);
    assert.ok(Object.isFrozen(SECURITY_HEADERS));
  });

  it('follow the options given (helmet decides the values, not a copied list)', () => {
    assert.equal(helmetHeaders({ xFrameOptions: { action: 'sameorigin' } })['x-frame-options'], 'SAMEORIGIN');
    assert.equal(helmetHeaders({ xDnsPrefetchControl: false })['x-dns-prefetch-control'], undefined);
  });

  it('are on every answer of the app: a route, a refusal, an unknown path, an OAuth error', async () => {
    for (const response of [
      await h.app.inject({ url: '/healthz' }),
      await h.app.inject({ url: '/api/users/me' }),
      await h.app.inject({ url: '/no/such/route' }),
      await h.app.inject({
        method: 'POST',
        url: '/oauth/introspect',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'token=x',
      }),
    ]) {
      assert.ok(response.statusCode === 200 || response.statusCode >= 400, String(response.statusCode));
      for (const [name, value] of Object.entries(SECURITY_HEADERS))
        assert.equal(response.headers[name], value, `${name} on ${response.statusCode}`);
    }
  });
});
