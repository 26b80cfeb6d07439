import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generate } from 'otplib';
import type { Browser, CDPSession, Page } from 'playwright-core';
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
const PERIOD = '2032-04';

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

async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
}

/**
 * Chromium's virtual authenticator (DevTools protocol WebAuthn domain): a platform authenticator
 * with resident keys and user verification that always succeeds, as a device with a fingerprint
 * reader would. It belongs to the page's target: keep the same page throughout.
 */
async function addVirtualAuthenticator(page: Page): Promise<{ cdp: CDPSession; authenticatorId: string }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, authenticatorId };
}

describe(
  "console: passkeys in Chromium's virtual authenticator (add, sign in, step-up of a payment, remove)",
  { timeout: 90_000 },
  () => {
    let server: ConsoleServer;
    let browser: Browser;
    let origin: string;
    before(async () => {
      [server, browser] = await Promise.all([
        startConsoleServer({ BULWARK_PAYROLL_WRITES_REQUIRE_MFA: '1' }),
        launchChromium(),
      ]);
      // WebAuthn needs a domain for its RP ID: localhost (a secure context over plain http), not 127.0.0.1.
      origin = server.url.replace('127.0.0.1', 'localhost');
    });
    after(async () => {
      await browser?.close();
      await server?.stop();
    });

    it('alice adds a passkey on the Security page, signs in with it alone, and it satisfies the step-up of a payment', async () => {
      const context = await browser.newContext();
      const cspViolations = await watchCsp(context);
      try {
        const page = await context.newPage();
        const { cdp, authenticatorId } = await addVirtualAuthenticator(page);
        await page.goto(origin);
        const password = server.password('alice');
        await signIn(page, 'alice', password);
        // An API session of her own, taken while the password alone still signs in (a passkey makes it two steps).
        const admin = await apiToken(server.url, 'alice', password);

        // A password-only session may not pay: the RFC 9470 refusal.
        await pay(page, 'password only');
        await page.getByRole('alert').filter({ hasText: 'Sign in again to make this change' }).waitFor();

        await page.getByRole('link', { name: 'Security' }).first().click();
        await page.getByRole('heading', { level: 1, name: 'Security' }).waitFor();
        await page.getByRole('heading', { name: 'Passkeys' }).waitFor();
        await page.getByText('No passkeys yet.').waitFor();
        const adding = page.getByRole('form', { name: 'Add a passkey' });
        await adding.getByLabel('Passkey name').fill('Laptop');
        await adding.getByRole('button', { name: 'Add a passkey' }).click();
        await page.getByRole('status').filter({ hasText: 'Passkey "Laptop" added' }).waitFor();
        await page
          .getByRole('list', { name: 'Your passkeys' })
          .getByRole('listitem')
          .filter({ hasText: 'Laptop' })
          .filter({ hasText: 'not used yet' })
          .waitFor();

        const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
        assert.equal(credentials.length, 1);
        assert.equal(credentials[0]?.isResidentCredential, true, 'a discoverable credential');
        assert.equal(credentials[0]?.rpId, 'localhost');
        const listed = await apiGet<{ items: Array<{ id: string; name: string }> }>(
          server.url,
          admin,
          '/api/users/me/passkeys',
        );
        assert.deepEqual(
          listed.items.map((p) => p.name),
          ['Laptop'],
        );
        assert.equal(
          listed.items[0]?.id,
          Buffer.from(credentials[0]?.credentialId ?? '', 'base64').toString('base64url'),
        );

        // Signed out, then in with the passkey alone: no username, no password.
        await signOut(page);
        await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
        await page.getByRole('button', { name: 'Sign out', exact: true }).waitFor();
        assert.equal(await page.getByLabel('Password', { exact: true }).count(), 0);

        // The passkey session is multi-factor: the payment goes through.
        await pay(page, 'after passkey');
        await page
          .getByRole('status')
          .filter({ hasText: /^Paid / })
          .waitFor();
        const payments = await apiGet<{ items: Array<{ memo: string | null; period: string }> }>(
          server.url,
          admin,
          `/api/payments?from=${PERIOD}&to=${PERIOD}&limit=100`,
        );
        assert.deepEqual(
          payments.items.map((p) => p.memo),
          ['after passkey'],
          'only the passkey session paid',
        );

        await page.getByRole('link', { name: 'Sessions', exact: true }).click();
        await page
          .getByRole('table', { name: 'My sessions' })
          .getByRole('row')
          .filter({ hasText: 'this device' })
          .filter({ hasText: 'with passkey' })
          .waitFor();

        const storage = (await page.evaluate(
          `({ local: Object.keys(localStorage).length, session: Object.keys(sessionStorage).length, cookie: document.cookie })`,
        )) as { local: number; session: number; cookie: string };
        assert.deepEqual(
          storage,
          { local: 0, session: 0, cookie: '' },
          'nothing in storage or script-readable cookies',
        );

        // With a passkey and no authenticator app, a password login's second step is the passkey, with no code to type.
        await signOut(page);
        await page.getByLabel('Username', { exact: true }).fill('alice');
        await page.getByLabel('Password', { exact: true }).fill(password);
        await page.getByRole('button', { name: 'Sign in', exact: true }).click();
        const secondStep = page.getByRole('form', { name: 'Second step' });
        await secondStep.getByRole('button', { name: 'Use a passkey', exact: true }).waitFor();
        assert.equal(await secondStep.getByLabel('Authentication code').count(), 0, 'no code field');
        await secondStep.getByRole('button', { name: 'Use a passkey', exact: true }).click();
        await page.getByRole('button', { name: 'Sign out', exact: true }).waitFor();

        // With an authenticator app enrolled, a password login's second step may be the passkey instead of a code.
        const enrolment = await fetch(`${server.url}/api/users/me/mfa/totp`, {
          method: 'POST',
          headers: { authorization: `Bearer ${admin}` },
        });
        const { secret } = (await enrolment.json()) as { secret: string };
        const confirmed = await fetch(`${server.url}/api/users/me/mfa/totp/confirm`, {
          method: 'POST',
          headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
          body: JSON.stringify({ code: await generate({ secret }) }),
        });
        assert.equal(confirmed.status, 200);
        await signOut(page);
        await page.getByLabel('Username', { exact: true }).fill('alice');
        await page.getByLabel('Password', { exact: true }).fill(password);
        await page.getByRole('button', { name: 'Sign in', exact: true }).click();
        await page
          .getByRole('form', { name: 'Second step' })
          .getByRole('button', { name: 'Use a passkey instead' })
          .click();
        await page.getByRole('button', { name: 'Sign out', exact: true }).waitFor();

        // Renamed on the Security page; then removed, it signs in no more (the authenticator still holds it).
        await page.getByRole('link', { name: 'Security' }).first().click();
        await page.getByRole('button', { name: 'Rename passkey Laptop' }).click();
        const renaming = page.getByRole('form', { name: 'Rename passkey Laptop' });
        await renaming.getByLabel('New name').fill('Work laptop');
        await renaming.getByRole('button', { name: 'Save name' }).click();
        await page.getByRole('status').filter({ hasText: 'Passkey renamed to "Work laptop".' }).waitFor();
        assert.deepEqual(
          (await apiGet<{ items: Array<{ name: string }> }>(server.url, admin, '/api/users/me/passkeys')).items.map(
            (p) => p.name,
          ),
          ['Work laptop'],
        );
        await page.getByRole('button', { name: 'Remove passkey Work laptop' }).click();
        await page.getByRole('status').filter({ hasText: 'Passkey "Work laptop" removed' }).waitFor();
        await page.getByText('No passkeys yet.').waitFor();
        await signOut(page);
        await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
        await page.getByRole('alert').filter({ hasText: 'This passkey cannot sign in here.' }).waitFor();
        assert.equal(await page.getByRole('button', { name: 'Sign out', exact: true }).count(), 0, 'not signed in');
        assert.deepEqual(await cspViolations(), []);
      } finally {
        await context.close();
      }
    });
  },
);
