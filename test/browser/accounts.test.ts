import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { Browser, Page } from 'playwright-core';
import { linkToken } from '../helpers/smtp.js';
import {
  apiGet,
  apiToken,
  launchChromium,
  signIn,
  startConsoleServer,
  until,
  watchCsp,
  type ConsoleServer,
} from './harness.js';

/** Chromium's virtual authenticator (resident keys, user verification that succeeds) on this page's target. */
async function addVirtualAuthenticator(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
}

/** Issue #20 in the console: invitation, forgot password, and the Security page's account part. */
describe('console: accounts from the mail', { timeout: 300_000 }, () => {
  let server: ConsoleServer;
  let browser: Browser;
  before(async () => {
    [server, browser] = await Promise.all([startConsoleServer(), launchChromium()]);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  const mailTo = async (to: string, subject: RegExp): Promise<ParsedMail> => {
    let found: ParsedMail | undefined;
    await until(
      async () => {
        const dir = join(server.dataDir, 'outbox');
        let files: string[];
        try {
          files = readdirSync(dir).filter((f) => f.endsWith('.eml'));
        } catch {
          return false;
        }
        for (const file of files) {
          const mail = await simpleParser(readFileSync(join(dir, file)));
          if ((JSON.stringify(mail.to) ?? '').includes(to) && subject.test(mail.subject ?? '')) found = mail;
        }
        return found !== undefined;
      },
      `a mail to ${to}`,
      20_000,
    );
    return found as ParsedMail;
  };

  it('an admin invites; the invited person joins from the link, which leaves the address bar at once', async () => {
    const context = await browser.newContext();
    const csp = await watchCsp(context);
    const page = await context.newPage();
    await page.goto(server.url);
    await signIn(page, 'alice', server.password('alice'));
    await page.getByRole('link', { name: 'Users' }).click();
    const form = page.getByRole('form', { name: 'Invite a user' });
    await form.getByLabel('Email address').fill('fay@example.test');
    await form.getByLabel('Role').selectOption('clerk');
    await form.getByRole('button', { name: 'Send invitation' }).click();
    await page.getByRole('status').filter({ hasText: 'Invited fay@example.test' }).waitFor();

    const { url } = linkToken(await mailTo('fay@example.test', /invited/));
    const guest = await (await browser.newContext()).newPage();
    await guest.goto(`${server.url}${url.pathname}${url.search}`);
    const accept = guest.getByRole('form', { name: 'Accept the invitation' });
    await accept.waitFor();
    assert.equal(new URL(guest.url()).search, '', 'the token is gone from the address bar');
    await accept.getByLabel('Choose a username').fill('fay');
    await accept.getByLabel('Choose a password').fill('fay-picked-a-passphrase');
    await accept.getByRole('button', { name: 'Create my account' }).click();
    await guest.getByRole('status').filter({ hasText: 'Welcome, fay' }).waitFor();
    await guest.getByRole('button', { name: 'Go to sign-in' }).click();
    await signIn(guest, 'fay', 'fay-picked-a-passphrase');
    await guest.getByRole('link', { name: 'Security' }).click();
    await guest.getByText('fay@example.test (verified)').waitFor();
    assert.deepEqual(await csp(), []);
  });

  it('the invited person registers a passkey instead of a password and signs in with it (virtual authenticator)', async () => {
    const context = await browser.newContext();
    const csp = await watchCsp(context);
    const page = await context.newPage();
    await page.goto(server.url);
    await signIn(page, 'alice', server.password('alice'));
    await page.getByRole('link', { name: 'Users' }).click();
    const form = page.getByRole('form', { name: 'Invite a user' });
    await form.getByLabel('Email address').fill('gil@example.test');
    await form.getByLabel('Role').selectOption('clerk');
    await form.getByRole('button', { name: 'Send invitation' }).click();
    await page.getByRole('status').filter({ hasText: 'Invited gil@example.test' }).waitFor();

    const { url } = linkToken(await mailTo('gil@example.test', /invited/));
    // WebAuthn needs a domain for its RP ID: localhost (a secure context over plain http), not 127.0.0.1.
    const origin = server.url.replace('127.0.0.1', 'localhost');
    const guestContext = await browser.newContext();
    const guestCsp = await watchCsp(guestContext);
    const guest = await guestContext.newPage();
    await addVirtualAuthenticator(guest);
    await guest.goto(`${origin}${url.pathname}${url.search}`);
    await guest
      .getByRole('form', { name: 'Accept the invitation' })
      .getByRole('button', { name: 'Register a passkey instead' })
      .click();
    const accept = guest.getByRole('form', { name: 'Accept the invitation with a passkey' });
    await accept.getByLabel('Choose a username').fill('gil');
    await accept.getByLabel('Name this passkey').fill('Laptop');
    await accept.getByRole('button', { name: 'Create my account with a passkey' }).click();
    await guest.getByRole('status').filter({ hasText: 'Welcome, gil' }).waitFor();
    await guest.getByRole('button', { name: 'Go to sign-in' }).click();
    await guest.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await guest.getByRole('button', { name: 'Sign out', exact: true }).waitFor();
    await guest.getByRole('link', { name: 'Security' }).first().click();
    await guest.getByText('gil@example.test (verified)').waitFor();
    await guest
      .getByRole('list', { name: 'Your passkeys' })
      .getByRole('listitem')
      .filter({ hasText: 'Laptop' })
      .waitFor();
    assert.deepEqual(await csp(), []);
    assert.deepEqual(await guestCsp(), []);
  });

  it('an admin invites an employee linked to their employee record with the picker; the invited employee sees their own pay only', async () => {
    const context = await browser.newContext();
    const csp = await watchCsp(context);
    const page = await context.newPage();
    await page.goto(server.url);
    await signIn(page, 'alice', server.password('alice'));
    await page.getByRole('link', { name: 'Users' }).click();
    const form = page.getByRole('form', { name: 'Invite a user' });
    await form.getByLabel('Email address').fill('emma.s@example.test');
    await form.getByLabel('Role').selectOption('employee');
    await form.getByText('Without an employee record, an employee sees no pay.').waitFor();
    await form.getByLabel('Search employees').fill('finance');
    const picker = form.getByLabel('Employee record');
    // The picker lists the employees once their list (a request of its own) has arrived.
    const listed = async () => (await picker.locator('option').allTextContents()).slice(1).sort();
    await until(async () => (await listed()).length >= 2, 'the employee list to arrive');
    assert.deepEqual(await listed(), ['Emma Schulz (Finance)', 'Karin Novak (Finance)']);
    await picker.selectOption({ label: 'Emma Schulz (Finance)' });
    const emmaId = await picker.inputValue();
    await form.getByRole('button', { name: 'Send invitation' }).click();
    await page.getByRole('status').filter({ hasText: 'Invited emma.s@example.test (employee)' }).waitFor();
    assert.equal(await picker.inputValue(), '', 'the form is reset for the next invitation');

    const { url } = linkToken(await mailTo('emma.s@example.test', /invited/));
    const guest = await (await browser.newContext()).newPage();
    await guest.goto(`${server.url}${url.pathname}${url.search}`);
    const accept = guest.getByRole('form', { name: 'Accept the invitation' });
    await accept.getByLabel('Choose a username').fill('emmas');
    await accept.getByLabel('Choose a password').fill('emma-picked-a-passphrase');
    await accept.getByRole('button', { name: 'Create my account' }).click();
    await guest.getByRole('status').filter({ hasText: 'Welcome, emmas' }).waitFor();

    const token = await apiToken(server.url, 'emmas', 'emma-picked-a-passphrase');
    const payments = await apiGet<{ items: { employee_id: string }[] }>(server.url, token, '/api/payments?limit=100');
    assert.ok(payments.items.length > 0);
    assert.deepEqual([...new Set(payments.items.map((p) => p.employee_id))], [emmaId]);
    const row = page.getByRole('table', { name: 'Users' }).getByRole('row').filter({ hasText: 'emmas' });
    await page.reload();
    // The select shows the link once the employee list it offers has arrived, after the row.
    const link = row.getByLabel('Employee record of emmas');
    await until(async () => (await link.inputValue()) === emmaId, 'the select to show her employee record');
    assert.deepEqual(await csp(), []);
  });

  it('forgot password from the sign-in page; the reset page sets a new one; Security signs out the other sessions', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(server.url);
    await page.getByRole('button', { name: 'Forgot your password?' }).click();
    const forgot = page.getByRole('form', { name: 'Forgot password' });
    await forgot.getByLabel('Email address or username').fill('fay');
    await forgot.getByRole('button', { name: 'Send me a reset link' }).click();
    await forgot.getByRole('status').filter({ hasText: 'If an account matches' }).waitFor();

    const { url } = linkToken(await mailTo('fay@example.test', /Reset/));
    await page.goto(`${server.url}${url.pathname}${url.search}`);
    const reset = page.getByRole('form', { name: 'Choose a new password' });
    await reset.getByLabel('New password').fill('fay-second-passphrase');
    await reset.getByRole('button', { name: 'Set the new password' }).click();
    await page.getByRole('status').filter({ hasText: 'Your password is changed' }).waitFor();
    await page.getByRole('button', { name: 'Go to sign-in' }).click();
    await signIn(page, 'fay', 'fay-second-passphrase');

    const other = await (await browser.newContext()).newPage();
    await other.goto(server.url);
    await signIn(other, 'fay', 'fay-second-passphrase');
    await page.getByRole('link', { name: 'Security' }).click();
    await page.getByRole('button', { name: 'Sign out everywhere else' }).click();
    await page.getByRole('status').filter({ hasText: 'Signed out 1 other session.' }).waitFor();
    await other.reload();
    await other.getByRole('form', { name: 'Sign in' }).waitFor();
  });
});
