import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
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

interface User {
  id: string;
  username: string;
  role: string;
  disabled: boolean;
  employee_id: string | null;
}

/** The admin views act through the API: users, keys, sessions, audit log. */
describe('console: admin views', { timeout: 60_000 }, () => {
  let server: ConsoleServer;
  let browser: Browser;
  let admin: string;
  let page: Page;
  let cspViolations: () => Promise<string[]>;
  /** A JSON call to the API as alice. */
  const asAdmin = (method: string, path: string, body: unknown) =>
    fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const userNamed = async (name: string) =>
    (await apiGet<{ items: User[] }>(server.url, admin, '/api/users?limit=100')).items.find((u) => u.username === name);

  before(async () => {
    [server, browser] = await Promise.all([startConsoleServer(), launchChromium()]);
    admin = await apiToken(server.url, 'alice', server.password('alice'));
    const context = await browser.newContext();
    cspViolations = await watchCsp(context);
    page = await context.newPage();
    await page.goto(server.url);
    await signIn(page, 'alice', server.password('alice'));
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('users: invite one, change a role, disable and enable', async () => {
    // The console invites (the admin-typed password stays for the CLI and the API).
    const added = await fetch(`${server.url}/api/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'dave', password: 'correct-horse-battery-staple-42', role: 'clerk' }),
    });
    assert.equal(added.status, 201);
    await page.getByRole('link', { name: 'Users' }).click();
    const form = page.getByRole('form', { name: 'Invite a user' });
    await form.getByLabel('Email address').fill('erin@example.test');
    await form.getByLabel('Role').selectOption('clerk');
    await form.getByRole('button', { name: 'Send invitation' }).click();
    await page.getByRole('status').filter({ hasText: 'Invited erin@example.test (clerk)' }).waitFor();

    const row = page.getByRole('row').filter({ hasText: 'dave' });
    await row.getByLabel('Role of dave').selectOption('employee');
    await page
      .getByRole('dialog', { name: 'Make dave an employee?' })
      .getByRole('button', { name: 'Change role' })
      .click();
    await page.getByRole('status').filter({ hasText: 'dave is now employee.' }).waitFor();
    assert.equal((await userNamed('dave'))?.role, 'employee');

    // The employee link, confirmed by name; cancelling leaves it as it was.
    const link = row.getByLabel('Employee record of dave');
    await link.selectOption({ label: 'Hiro Tanaka (Engineering)' });
    await page
      .getByRole('dialog', { name: 'Link dave to Hiro Tanaka (Engineering)?' })
      .getByRole('button', { name: 'Cancel' })
      .click();
    assert.equal(await link.inputValue(), '');
    assert.equal((await userNamed('dave'))?.employee_id, null);
    await link.selectOption({ label: 'Hiro Tanaka (Engineering)' });
    await page
      .getByRole('dialog', { name: 'Link dave to Hiro Tanaka (Engineering)?' })
      .getByRole('button', { name: 'Link' })
      .click();
    await page.getByRole('status').filter({ hasText: 'dave is linked to Hiro Tanaka (Engineering).' }).waitFor();
    // The store holds the link; the select shows it once the list it re-reads has arrived.
    const hiro = (await userNamed('dave'))?.employee_id;
    assert.ok(hiro, 'dave is linked in the store');
    await until(async () => (await link.inputValue()) === hiro, 'the select to show the link');
    await link.selectOption('');
    await page
      .getByRole('dialog', { name: 'Unlink dave from their employee record?' })
      .getByRole('button', { name: 'Unlink' })
      .click();
    await page.getByRole('status').filter({ hasText: 'dave is linked to no employee record.' }).waitFor();
    assert.equal((await userNamed('dave'))?.employee_id, null);

    await row.getByRole('button', { name: 'Disable' }).click();
    await page.getByRole('dialog', { name: 'Disable dave?' }).getByRole('button', { name: 'Disable' }).click();
    await row.getByRole('button', { name: 'Enable' }).waitFor();
    assert.equal((await userNamed('dave'))?.disabled, true);
    await row.getByRole('button', { name: 'Enable' }).click();
    await row.getByRole('button', { name: 'Disable' }).waitFor();
    assert.equal((await userNamed('dave'))?.disabled, false);
  });

  it('keys: Rotate publishes a next key', async () => {
    const before = (await apiGet<{ items: unknown[] }>(server.url, admin, '/api/keys')).items.length;
    await page.getByRole('link', { name: 'Keys' }).click();
    await page.getByRole('table', { name: 'Keys' }).getByRole('row').nth(before).waitFor();
    await page.getByRole('button', { name: 'Rotate', exact: true }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /is published/ })
      .waitFor();
    assert.equal((await apiGet<{ items: unknown[] }>(server.url, admin, '/api/keys')).items.length, before + 1);
    // The notice shows as soon as the API answers; the table re-reads the list after it.
    const rows = page.getByRole('table', { name: 'Keys' }).getByRole('row');
    await until(async () => (await rows.count()) === before + 2, 'the table to show the new key');
  });

  it("sessions: an admin sees everyone's and revokes one", async () => {
    const bobToken = await apiToken(server.url, 'bob', server.password('bob'));
    await page.getByRole('link', { name: 'Sessions' }).click();
    const all = page.getByRole('table', { name: 'All sessions' });
    const bobRow = all.getByRole('row').filter({ hasText: 'bob' });
    await bobRow.first().waitFor();
    await bobRow.first().getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('dialog', { name: 'Revoke this session?' }).getByRole('button', { name: 'Revoke' }).click();
    await until(async () => (await bobRow.count()) === 0, "bob's session is gone from the list");
    const me = await fetch(`${server.url}/api/users/me`, { headers: { authorization: `Bearer ${bobToken}` } });
    assert.equal(me.status, 401, "bob's revoked session no longer works");
  });

  it("sessions: a role granting sessions:read shows everyone's to a user who is not an admin", async () => {
    const role = await asAdmin('POST', '/api/roles', {
      name: 'session-auditor',
      description: "Sees everyone's sessions",
      permissions: [{ api: 'urn:bulwark:api', permission: 'sessions:read' }],
    });
    assert.equal(role.status, 201, await role.text());
    const bob = await userNamed('bob');
    assert.ok(bob !== undefined);
    const granted = await asAdmin('PUT', `/api/users/${bob.id}/roles`, { roles: ['clerk', 'session-auditor'] });
    assert.equal(granted.status, 200, await granted.text());
    const adminSessions = await apiGet<{ items: Array<{ user_id: string }> }>(server.url, admin, '/api/sessions');
    const aliceId = adminSessions.items.find((s) => s.user_id !== bob.id)?.user_id;
    assert.ok(aliceId !== undefined);

    const context = await browser.newContext();
    try {
      const bobPage = await context.newPage();
      await bobPage.goto(server.url);
      await signIn(bobPage, 'bob', server.password('bob'));
      await bobPage.getByRole('link', { name: 'Sessions' }).click();
      // bob may not read users: the table names each session's user by id.
      const all = bobPage.getByRole('table', { name: 'All sessions' });
      await all.getByRole('row').filter({ hasText: aliceId }).first().waitFor();
      assert.equal(await bobPage.getByRole('link', { name: 'Users' }).count(), 0);
    } finally {
      await context.close();
    }
  });

  it('payroll: a role an admin makes with payroll:write shows the pay form to a user who is not an admin', async () => {
    const role = await asAdmin('POST', '/api/roles', {
      name: 'payroll-manager',
      description: 'Reads and pays',
      permissions: [
        { api: 'payroll', permission: 'payroll:read' },
        { api: 'payroll', permission: 'payroll:write' },
      ],
    });
    assert.equal(role.status, 201, await role.text());
    const password = 'frank-Correct-Horse-42';
    const created = await asAdmin('POST', '/api/users', { username: 'frank', password, role: 'employee' });
    const createdBody = await created.text();
    assert.equal(created.status, 201, createdBody);
    const frank = JSON.parse(createdBody) as { id: string };
    const granted = await asAdmin('PUT', `/api/users/${frank.id}/roles`, { roles: ['payroll-manager'] });
    assert.equal(granted.status, 200, await granted.text());

    const context = await browser.newContext();
    try {
      const frankPage = await context.newPage();
      await frankPage.goto(server.url);
      await signIn(frankPage, 'frank', password);
      await frankPage.getByRole('link', { name: 'Payments' }).click();
      // Not the demo's admin role: the form follows the token's scope, as the API's checks do.
      await frankPage.getByRole('form', { name: 'Pay an employee' }).waitFor();
      await frankPage.getByRole('link', { name: 'Employees' }).click();
      await frankPage.getByRole('button', { name: 'Add employee' }).waitFor();
      assert.equal(await frankPage.getByText('Bank accounts are masked for clerks.').count(), 0);
    } finally {
      await context.close();
    }
  });

  it('audit log: filtered by type', async () => {
    await page.getByRole('link', { name: 'Audit log' }).click();
    const filter = page.getByRole('form', { name: 'Filter events' });
    await filter.getByLabel('Event type').fill('user.created');
    await filter.getByRole('button', { name: 'Apply filter' }).click();
    const types = page.getByRole('table', { name: 'Audit events' }).locator('tbody td.event-type');
    await until(async () => {
      const shown = await types.allTextContents();
      return shown.length > 0 && shown.every((type) => type === 'user.created');
    }, 'only user.created events are listed');
    assert.deepEqual(await cspViolations(), []);
  });
});
