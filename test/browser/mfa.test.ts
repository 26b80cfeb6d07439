import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generate } from 'otplib';
import type { Browser, Page } from 'playwright-core';
import { qrSvgDataUrl } from '../../packages/console/src/qr-svg.js';
import {
  apiGet,
  apiToken,
  launchChromium,
  signIn,
  startConsoleServer,
  watchCsp,
  type ConsoleServer,
} from './harness.js';

/** A period no seeded payment uses. */
const PERIOD = '2032-03';
const TOKEN_LIKE = /eyJ[\w-]+\.[\w-]+\.[\w-]*|[\w-]{32,}/;

/** A TOTP code computed here from the secret the page showed (never asked of the server). */
const codeAt = (secret: string, epochSeconds: number): Promise<string> =>
  generate({ secret, epoch: Math.floor(epochSeconds) });

async function pay(page: Page, memo: string): Promise<void> {
  await page.getByRole('link', { name: 'Payments', exact: true }).click();
  const form = page.getByRole('form', { name: 'Pay an employee' });
  await form.getByLabel('Employee').selectOption({ label: 'Emma Schulz' });
  await form.getByLabel('Amount').fill('10');
  await form.getByLabel('Period').fill(PERIOD);
  await form.getByLabel('Memo').fill(memo);
  await form.getByRole('button', { name: 'Pay' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Pay', exact: true }).click();
}

/** Both steps through the form; resolves when the signed-in shell shows, or the second step's alert does. */
async function signInWithCode(page: Page, password: string, code: string): Promise<void> {
  await page.getByLabel('Username', { exact: true }).fill('alice');
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByLabel('Authentication code').fill(code);
  await page.getByRole('button', { name: 'Verify' }).click();
}

async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
}

describe('console: two-step sign-in (TOTP) and step-up of payroll writes', { timeout: 60_000 }, () => {
  let server: ConsoleServer;
  let browser: Browser;
  before(async () => {
    [server, browser] = await Promise.all([
      startConsoleServer({ BULWARK_PAYROLL_WRITES_REQUIRE_MFA: '1' }),
      launchChromium(),
    ]);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  // First: alice can still get an API token with her password alone (she enrols in the next test).
  it('after an admin reset, bob signs in with the one-time password and must choose a new one', async () => {
    const admin = await apiToken(server.url, 'alice', server.password('alice'));
    const bob = (
      await apiGet<{ items: Array<{ id: string; username: string }> }>(server.url, admin, '/api/users?limit=100')
    ).items.find((u) => u.username === 'bob');
    assert.ok(bob);
    const reset = await fetch(`${server.url}/api/users/${bob.id}/password-reset`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}` },
    });
    assert.equal(reset.status, 200);
    const { one_time_password: oneTime } = (await reset.json()) as { one_time_password: string };

    const context = await browser.newContext();
    const cspViolations = await watchCsp(context);
    try {
      const page = await context.newPage();
      await page.goto(server.url);
      await page.getByLabel('Username', { exact: true }).fill('bob');
      await page.getByLabel('Password', { exact: true }).fill(oneTime);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      const form = page.getByRole('form', { name: 'Choose a new password' });
      await form.getByLabel('New password').fill('too short');
      await form.getByLabel('Repeat password').fill('too short');
      await form.getByRole('button', { name: 'Change password' }).click();
      assert.match(await form.getByRole('alert').innerText(), /at least 12 characters/);
      const chosen = 'a new password for bob, long enough';
      await form.getByLabel('New password').fill(chosen);
      await form.getByLabel('Repeat password').fill(chosen);
      await form.getByRole('button', { name: 'Change password' }).click();
      await page.getByRole('button', { name: 'Sign out', exact: true }).waitFor();
      await signOut(page);
      await signIn(page, 'bob', chosen);
      assert.deepEqual(await cspViolations(), []);
    } finally {
      await context.close();
    }
  });

  it('alice enrols on the Security page, signs in with a code, pays; a recovery code works once', async () => {
    const context = await browser.newContext();
    const cspViolations = await watchCsp(context);
    try {
      const page = await context.newPage();
      const password = server.password('alice');
      await page.goto(server.url);
      await signIn(page, 'alice', password);

      // Without a second factor a payment is refused by step-up, and the tab stays signed in.
      await pay(page, 'before enrolment');
      const stepUp = page.getByRole('form', { name: 'Pay an employee' }).getByRole('alert');
      await stepUp.filter({ hasText: 'Sign in again to make this change' }).waitFor();
      assert.match(await stepUp.innerText(), /Nothing was changed/);
      assert.ok(await page.getByRole('button', { name: 'Sign out', exact: true }).isVisible(), 'still signed in');

      // Enrolment: the QR code is drawn in the page from the otpauth URI; the secret is read from the page.
      await stepUp.getByRole('link', { name: 'Security' }).click();
      await page.getByRole('heading', { level: 1, name: 'Security' }).waitFor();
      const enrolled = page.waitForResponse(
        (res) => res.url().endsWith('/api/users/me/mfa/totp') && res.request().method() === 'POST',
      );
      await page.getByRole('button', { name: 'Set up authenticator app' }).click();
      const { otpauth_uri: uri } = (await (await enrolled).json()) as { otpauth_uri: string };
      const qr = page.getByRole('img', { name: 'QR code for your authenticator app' });
      await qr.waitFor();
      assert.equal(await qr.getAttribute('src'), qrSvgDataUrl(uri), 'the QR code is the otpauth URI, drawn locally');
      assert.ok((await qr.evaluate((img) => (img as HTMLImageElement).naturalWidth)) > 0, 'the QR image rendered');
      const secret = (await page.locator('code.totp-secret').innerText()).replace(/\s+/g, '');
      assert.match(secret, /^[A-Z2-7]{32}$/);
      assert.equal(new URL(uri).searchParams.get('secret'), secret, 'the key shown is the key in the QR code');

      const confirmedAt = Date.now() / 1000;
      await page.getByLabel('Authentication code').fill(await codeAt(secret, confirmedAt));
      await page.getByRole('button', { name: 'Confirm', exact: true }).click();
      const codes = page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem');
      await codes.first().waitFor();
      const recovery = (await codes.allInnerTexts()).map((text) => text.trim());
      assert.equal(recovery.length, 10);
      for (const code of recovery) assert.match(code, /^[a-z0-9]{4}(-[a-z0-9]{4}){3}$/i);
      assert.match(await page.getByRole('alert').innerText(), /shown only this once/);
      await page.getByRole('button', { name: 'I have saved my recovery codes' }).click();
      await page.getByText(/On since .*10 of 10 recovery codes left/).waitFor();

      // The session predates the second factor: still refused; "Sign in again" leads to both steps.
      await pay(page, 'same session');
      await page.getByRole('button', { name: 'Sign in again' }).click();
      await page.getByRole('status').filter({ hasText: 'with your authenticator code' }).waitFor();
      // The next 30 s step: later than the one the confirmation used, and accepted one step either side.
      await signInWithCode(page, password, await codeAt(secret, confirmedAt + 30));
      await page.getByRole('button', { name: 'Sign out', exact: true }).waitFor();
      assert.equal(new URL(page.url()).pathname, '/payments', 'back where the write was refused');
      await pay(page, 'after second factor');
      await page
        .getByRole('status')
        .filter({ hasText: /^Paid / })
        .waitFor();

      await page.getByRole('link', { name: 'Sessions', exact: true }).click();
      await page
        .getByRole('table', { name: 'My sessions' })
        .getByRole('row')
        .filter({ hasText: 'this device' })
        .filter({ hasText: 'with code' })
        .waitFor();

      const storage =
        (await page.evaluate(`({ local: Object.keys(localStorage).map((k) => k + '=' + localStorage.getItem(k)),
        session: Object.keys(sessionStorage).map((k) => k + '=' + sessionStorage.getItem(k)), cookie: document.cookie,
        windowStrings: Object.keys(window).filter((k) => typeof window[k] === 'string').map((k) => window[k]) })`)) as {
          local: string[];
          session: string[];
          cookie: string;
          windowStrings: string[];
        };
      assert.deepEqual(
        [storage.local, storage.session, storage.cookie],
        [[], [], ''],
        'nothing in storage or script-readable cookies',
      );
      assert.deepEqual(
        storage.windowStrings.filter((value) => TOKEN_LIKE.test(value) || value.includes(secret)),
        [],
      );

      // A recovery code instead of the app's code: accepted once, refused the second time.
      await signOut(page);
      await signInWithCode(page, password, recovery[0]!.toUpperCase());
      await page.getByRole('button', { name: 'Sign out', exact: true }).waitFor();
      await signOut(page);
      await signInWithCode(page, password, recovery[0]!);
      const refused = page.getByRole('form', { name: 'Second step' }).getByRole('alert');
      await refused.waitFor();
      assert.match(await refused.innerText(), /code/i);
      assert.equal(await page.getByRole('button', { name: 'Sign out', exact: true }).count(), 0, 'not signed in');
      assert.deepEqual(await cspViolations(), []);
    } finally {
      await context.close();
    }
  });
});
