import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium, startConsoleServer, type ConsoleServer } from './harness.js';

/**
 * Issue #10: the defaults work at the address the banner prints. Swagger UI's "Try it out" at
 * http://127.0.0.1:PORT/docs and at http://localhost:PORT/docs reaches the API (the OpenAPI
 * `servers` entry is relative), and a cookie refresh from a page at either address is accepted.
 */
describe('the API docs at the printed address, in Chromium', () => {
  let server: ConsoleServer;
  let browser: Browser;
  before(async () => {
    server = await startConsoleServer();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  for (const host of ['127.0.0.1', 'localhost']) {
    it(`"Try it out" on GET /healthz answers 200 at ${host}`, async () => {
      const base = server.url.replace('127.0.0.1', host);
      const page = await browser.newPage();
      try {
        const calls: string[] = [];
        page.on('response', (response) => {
          if (new URL(response.url()).pathname === '/healthz')
            calls.push(`${new URL(response.url()).host} ${response.status()}`);
        });
        await page.goto(`${base}/docs`);
        const operation = page.locator('.opblock', {
          has: page.locator('.opblock-summary-path', { hasText: /^\/healthz$/ }),
        });
        await operation.locator('.opblock-summary').click();
        await operation.getByRole('button', { name: 'Try it out' }).click();
        await operation.getByRole('button', { name: 'Execute' }).click();
        const status = operation.locator('.live-responses-table tbody .response-col_status').first();
        await status.waitFor();
        assert.equal((await status.innerText()).trim(), '200');
        assert.deepEqual(calls, [`${new URL(base).host} 200`], 'the browser called this origin, not another one');
      } finally {
        await page.close();
      }
    });

    it(`a cookie refresh from a page at ${host} is accepted`, async () => {
      const base = server.url.replace('127.0.0.1', host);
      const context = await browser.newContext();
      const page = await context.newPage();
      try {
        // A small page of the docs, under their policy (which lets a page fetch this origin; an API
        // answer's CSP allows no fetch at all): /docs itself holds the page's script for seconds
        // while Swagger UI renders, and only the origin matters here.
        await page.goto(`${base}/docs/oauth2-redirect.html`);
        const password = server.password('bob');
        const statuses = await page.evaluate(async (pw) => {
          const login = await fetch('/api/users-sessions', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ username: 'bob', password: pw, refresh_delivery: 'cookie' }),
          });
          const refresh = await fetch('/api/users-sessions/refresh', { method: 'POST' });
          return [login.status, refresh.status, 'refresh_token' in ((await refresh.json()) as object)];
        }, password);
        assert.deepEqual(statuses, [201, 200, false]);
      } finally {
        await context.close();
      }
    });
  }
});
