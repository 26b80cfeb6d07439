import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, signIn, startConsoleServer, watchCsp, type ConsoleServer } from './harness.js';

const EVERYONE = ['Payments', 'Employees', 'Sessions', 'Security'];
const ADMINS = ['Users', 'APIs', 'Roles', 'Keys', 'Audit log'];

async function navLinks(page: Page): Promise<string[]> {
  const links = page.getByRole('navigation', { name: 'Main' }).getByRole('link');
  return (await links.allTextContents()).map((text) => text.trim());
}

/** Each role signs in and out through the console, by the accessible names, under the CSP. */
describe('console: sign in and out, per role', { timeout: 60_000 }, () => {
  let server: ConsoleServer;
  let browser: Browser;
  before(async () => {
    [server, browser] = await Promise.all([startConsoleServer(), launchChromium()]);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  for (const [username, role] of [
    ['alice', 'admin'],
    ['bob', 'clerk'],
    ['carol', 'employee'],
  ] as const) {
    it(`${username} (${role}) signs in, sees the ${role} navigation and views, and signs out`, async () => {
      const context = await browser.newContext();
      const cspViolations = await watchCsp(context);
      try {
        const page = await context.newPage();
        const answer = await page.goto(server.url);
        assert.equal(answer?.status(), 200);
        assert.match(answer?.headers()['content-security-policy'] ?? '', /script-src 'self'; style-src 'self'/);

        await signIn(page, username, server.password(username));
        await page.getByText(username, { exact: true }).waitFor();
        assert.deepEqual(await navLinks(page), role === 'admin' ? [...EVERYONE, ...ADMINS] : EVERYONE);
        assert.equal(new URL(page.url()).pathname, '/payments');
        await page.getByRole('table', { name: 'Payments' }).getByRole('row').nth(1).waitFor();

        await page.getByRole('link', { name: 'Employees' }).click();
        const rows = page.getByRole('table', { name: 'Employees' }).getByRole('row');
        await rows.nth(1).waitFor();
        const accounts = await page.locator('td.iban').allTextContents();
        if (role === 'employee') assert.equal(await rows.count(), 2, 'carol sees only herself (header + one row)');
        else assert.ok(accounts.length > 1, 'admins and clerks see every employee');
        for (const account of accounts) {
          if (role === 'clerk') assert.match(account, /\*{4}/, 'clerks see bank accounts masked');
          else assert.doesNotMatch(account, /\*/, `${role} sees the account in clear`);
        }

        await page.getByRole('button', { name: 'Sign out', exact: true }).click();
        await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
        assert.equal(await page.getByRole('button', { name: 'Sign out', exact: true }).count(), 0);
        // The session is over on the server too: a reload does not come back signed in.
        await page.reload();
        await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
        assert.equal(await page.getByText(username, { exact: true }).count(), 0);
        assert.deepEqual(await cspViolations(), []);
      } finally {
        await context.close();
      }
    });
  }

  it("a wrong password shows the problem's title and detail, and nothing is signed in", async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(server.url);
      await page.getByLabel('Username', { exact: true }).fill('bob');
      await page.getByLabel('Password', { exact: true }).fill('not-his-password');
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      const alert = page.getByRole('alert');
      await alert.waitFor();
      assert.match(await alert.innerText(), /Unauthorized\s+The username or password is incorrect\./);
      assert.equal(await page.getByRole('button', { name: 'Sign out', exact: true }).count(), 0);
    } finally {
      await context.close();
    }
  });

  it('a clerk opening an admin page by URL gets no admin view', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${server.url}/users`);
      await signIn(page, 'bob', server.password('bob'));
      await page.getByText('This page is for administrators.').waitFor();
      assert.equal(await page.getByRole('table', { name: 'Users' }).count(), 0);
    } finally {
      await context.close();
    }
  });
});
