import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import {
  apiGet,
  apiToken,
  launchChromium,
  signIn,
  startConsoleServer,
  watchCsp,
  type ConsoleServer,
} from './harness.js';

const ACCESS_TTL_SECONDS = 30;

/**
 * Two tabs of one browser share one session (one refresh cookie). When the access token has
 * expired and both act at once, one refreshes and the other takes the token it got: both keep
 * working, and the server never sees a refresh token presented twice.
 */
describe('console: two tabs across an access-token expiry', { timeout: 60_000 }, () => {
  let server: ConsoleServer;
  let browser: Browser;
  before(async () => {
    [server, browser] = await Promise.all([
      startConsoleServer({ BULWARK_ACCESS_TOKEN_TTL: String(ACCESS_TTL_SECONDS), BULWARK_CLOCK_SKEW: '0' }),
      launchChromium(),
    ]);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('both tabs keep working after the expiry, with one refresh and no refresh-reuse event', async () => {
    const context = await browser.newContext();
    const cspViolations = await watchCsp(context);
    try {
      const first = await context.newPage();
      await first.goto(server.url);
      await signIn(first, 'alice', server.password('alice'));
      const second = await context.newPage();
      await second.goto(`${server.url}/employees`);
      await second.getByRole('table', { name: 'Employees' }).getByRole('row').nth(1).waitFor();
      await second.getByText('alice', { exact: true }).waitFor();

      // Every access token either tab holds has now expired (no clock skew allowed).
      await first.waitForTimeout((ACCESS_TTL_SECONDS + 2) * 1000);
      const refreshes: number[] = [];
      const apiStatuses: number[] = [];
      context.on('response', (response) => {
        const path = new URL(response.url()).pathname;
        if (path === '/api/users-sessions/refresh') refreshes.push(response.status());
        else if (path.startsWith('/api/')) apiStatuses.push(response.status());
      });

      await Promise.all([
        first.getByRole('link', { name: 'Sessions' }).click(),
        second.getByRole('link', { name: 'Payments' }).click(),
      ]);
      await Promise.all([
        first.getByRole('table', { name: 'My sessions' }).waitFor(),
        first.getByRole('table', { name: 'All sessions' }).getByRole('row').nth(1).waitFor(),
        second.getByRole('table', { name: 'Payments' }).getByRole('row').nth(1).waitFor(),
      ]);
      for (const page of [first, second]) {
        assert.equal(await page.getByRole('button', { name: 'Sign in', exact: true }).count(), 0, 'still signed in');
        await page.getByRole('button', { name: 'Sign out', exact: true }).waitFor();
      }
      assert.deepEqual(refreshes, [200], 'one refresh for both tabs');
      assert.ok(apiStatuses.includes(200), 'the API calls after the expiry succeeded');

      const admin = await apiToken(server.url, 'alice', server.password('alice'));
      const events = await apiGet<{ items: Array<{ type: string }> }>(server.url, admin, '/api/audit-events?limit=100');
      assert.deepEqual(
        events.items.filter((event) => event.type.startsWith('refresh.reused')),
        [],
        'no refresh token was presented twice',
      );
      assert.deepEqual(await cspViolations(), []);
    } finally {
      await context.close();
    }
  });
});
