import { brotliCompressSync, brotliDecompressSync } from 'node:zlib';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { consoleModule } from '../../src/console/module.js';
import { CONSOLE_CSP, CONSOLE_VIEW_PATHS } from '../../src/console/paths.js';
import { registerErrorMapper } from '../../src/http/error-mapper.js';
import { registerTransport } from '../../src/http/transport.js';

/** The app's own policy around the module: the API CSP on every request, no-store by default. */
async function appWith(distDir: string): Promise<FastifyInstance> {
  const app = Fastify();
  registerErrorMapper(app);
  registerTransport(app, { requireHttps: false });
  app.addHook('onSend', async (_request, reply) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  });
  app.get('/api/ping', async () => ({ ok: true }));
  await consoleModule({ distDir }).register(app);
  return app;
}

/** How the server serves the console (no browser): which paths, which headers, and without a build. */
describe('console module', () => {
  let dist: string;
  let app: FastifyInstance;
  before(async () => {
    dist = mkdtempSync(join(tmpdir(), 'bulwark-console-dist-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(
      join(dist, 'index.html'),
      '<!doctype html><script type="module" src="/assets/index-abc123.js"></script>',
    );
    writeFileSync(join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
    writeFileSync(join(dist, 'assets', 'index-abc123.js.br'), brotliCompressSync('console.log(1)'));
    app = await appWith(dist);
  });
  after(async () => {
    await app?.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('answers index.html for / and every console path, under the console CSP, never cached stale', async () => {
    for (const url of ['/', ...CONSOLE_VIEW_PATHS]) {
      const res = await app.inject({ url });
      assert.equal(res.statusCode, 200, url);
      assert.match(res.headers['content-type'] as string, /^text\/html/);
      assert.match(res.body, /index-abc123\.js/);
      assert.equal(res.headers['content-security-policy'], CONSOLE_CSP);
      assert.equal(res.headers['cache-control'], 'no-cache');
    }
    assert.match(CONSOLE_CSP, /script-src 'self';/);
    assert.doesNotMatch(CONSOLE_CSP, /unsafe-inline|unsafe-eval/);
  });

  it('serves hashed assets for a year, immutable', async () => {
    const res = await app.inject({ url: '/assets/index-abc123.js' });
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /javascript/);
    assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
  });

  it("sends the build's precompressed asset to a browser that accepts it", async () => {
    const res = await app.inject({ url: '/assets/index-abc123.js', headers: { 'accept-encoding': 'br, gzip' } });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-encoding'], 'br');
    assert.equal(brotliDecompressSync(res.rawPayload).toString(), 'console.log(1)');
  });

  it('never answers the app for the API or unknown paths: a 404 problem with the API CSP', async () => {
    for (const url of [
      '/api/nothing',
      '/api/payments/x/y',
      '/payments/123',
      '/assets/missing.js',
      '/assets/../index.html',
      '/index.html',
    ]) {
      const res = await app.inject({ url });
      assert.equal(res.statusCode, 404, url);
      assert.match(res.headers['content-type'] as string, /^application\/problem\+json/, url);
      assert.equal(JSON.parse(res.body).code, 'not_found');
    }
    const api = await app.inject({ url: '/api/ping' });
    assert.equal(
      api.headers['content-security-policy'],
      "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    );
    assert.equal(api.headers['cache-control'], 'no-store');
  });

  it('without a build: / answers a 503 problem that says how to build the console, and the API still works', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'bulwark-console-none-'));
    const bare = await appWith(empty);
    try {
      const res = await bare.inject({ url: '/' });
      assert.equal(res.statusCode, 503);
      const body = JSON.parse(res.body) as { code: string; detail: string };
      assert.equal(body.code, 'service_unavailable');
      assert.match(body.detail, /console is not built.*npm/);
      assert.equal((await bare.inject({ url: '/assets/index-abc123.js' })).statusCode, 404);
      assert.equal((await bare.inject({ url: '/api/ping' })).statusCode, 200);
    } finally {
      await bare.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
