import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  apiGet,
  apiToken,
  axeViolations,
  launchChromium,
  signIn,
  startConsoleServer,
  watchCsp,
  type ConsoleServer,
} from './harness.js';

interface Api {
  id: string;
  identifier: string;
  name: string;
  permissions: Array<{ name: string; description: string }>;
  access_token_ttl: number | null;
  built_in: boolean;
}
interface Role {
  id: string;
  name: string;
  description: string;
  permissions: Array<{ api: string; permission: string }>;
}
interface User {
  id: string;
  username: string;
  roles: string[];
}

const INVENTORY = 'https://inventory.example';

async function navLinks(page: Page): Promise<string[]> {
  const links = page.getByRole('navigation', { name: 'Main' }).getByRole('link');
  return (await links.allTextContents()).map((text) => text.trim());
}

/** The registry through the console (issue #18 item 9): an API, a role of its permission, a user holding it. */
describe("console: APIs, Roles, and users' roles", { timeout: 90_000 }, () => {
  let server: ConsoleServer;
  let browser: Browser;
  let admin: string;
  let page: Page;
  let cspViolations: () => Promise<string[]>;
  const apiNamed = async (identifier: string) =>
    (await apiGet<{ items: Api[] }>(server.url, admin, '/api/apis?limit=100')).items.find(
      (a) => a.identifier === identifier,
    );
  const roleNamed = async (name: string) =>
    (await apiGet<{ items: Role[] }>(server.url, admin, '/api/roles?limit=100')).items.find((r) => r.name === name);
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

  it('an admin sees the registry views in the navigation, gated by the permissions /api/users/me lists', async () => {
    const me = await apiGet<{ permissions: string[] }>(server.url, admin, '/api/users/me');
    for (const permission of ['users:read', 'apis:read', 'roles:read', 'keys:read', 'audit:read'])
      assert.ok(me.permissions.includes(permission), permission);
    assert.deepEqual(await navLinks(page), [
      'Payments',
      'Employees',
      'Sessions',
      'Security',
      'Users',
      'APIs',
      'Roles',
      'Keys',
      'Audit log',
    ]);
  });

  it('APIs: registers one, edits it, and refuses to delete one a role holds (409 shown); built-ins have no Delete', async () => {
    await page.getByRole('link', { name: 'APIs' }).click();
    const table = page.getByRole('table', { name: 'APIs' });
    await table.getByRole('row').filter({ hasText: 'urn:bulwark:api' }).waitFor();
    assert.equal(
      await table
        .getByRole('row')
        .filter({ hasText: 'urn:bulwark:api' })
        .getByRole('button', { name: /^Delete/ })
        .count(),
      0,
    );

    const form = page.getByRole('form', { name: 'Register an API' });
    await form.getByLabel('Identifier').fill(INVENTORY);
    await form.getByLabel('Name', { exact: true }).fill('Inventory');
    await form.getByLabel('Permissions').fill('stock:read - Read stock\nstock:write - Move stock');
    await form.getByLabel('Token lifetime').fill('300');
    await form.getByRole('button', { name: 'Register' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Registered Inventory (${INVENTORY}).` })
      .waitFor();
    const api = await apiNamed(INVENTORY);
    assert.equal(api?.name, 'Inventory');
    assert.deepEqual(api?.permissions, [
      { name: 'stock:read', description: 'Read stock' },
      { name: 'stock:write', description: 'Move stock' },
    ]);
    assert.equal(api?.access_token_ttl, 300);
    assert.equal(api?.built_in, false);

    const row = table.getByRole('row').filter({ hasText: INVENTORY });
    await row.getByRole('button', { name: 'Edit Inventory' }).click();
    const edit = page.getByRole('form', { name: 'Edit Inventory' });
    assert.deepEqual(await axeViolations(page), [], 'axe-core on the APIs view with an edit form open');
    await edit.getByLabel('Name', { exact: true }).fill('Stock');
    await edit.getByLabel('Permissions').fill('stock:read - Read stock\nstock:write - Move stock\nstock:count');
    await edit.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved Stock.' }).waitFor();
    assert.equal((await apiNamed(INVENTORY))?.name, 'Stock');
    assert.deepEqual(
      (await apiNamed(INVENTORY))?.permissions.map((p) => p.name),
      ['stock:read', 'stock:write', 'stock:count'],
    );

    // Bad input is the server's problem, shown, and changes nothing.
    await form.getByLabel('Identifier').fill(INVENTORY);
    await form.getByLabel('Name', { exact: true }).fill('Again');
    await form.getByRole('button', { name: 'Register' }).click();
    await page.getByRole('alert').filter({ hasText: 'Conflict' }).waitFor();
    assert.equal((await apiNamed(INVENTORY))?.name, 'Stock');
  });

  it("Roles: creates a role with one of the new API's permissions, then edits its description", async () => {
    await page.getByRole('link', { name: 'Roles' }).click();
    const form = page.getByRole('form', { name: 'Create a role' });
    await form.getByLabel('Name', { exact: true }).fill('stock-reader');
    await form.getByLabel('Description').fill('Reads stock');
    await form
      .getByRole('group', { name: `Stock (${INVENTORY})` })
      .getByLabel('stock:read')
      .check();
    await form.getByRole('button', { name: 'Create role' }).click();
    await page.getByRole('status').filter({ hasText: 'Created the role stock-reader.' }).waitFor();
    const role = await roleNamed('stock-reader');
    assert.equal(role?.description, 'Reads stock');
    assert.deepEqual(role?.permissions, [{ api: INVENTORY, permission: 'stock:read' }]);
    const row = page.getByRole('table', { name: 'Roles' }).getByRole('row').filter({ hasText: 'stock-reader' });
    await row.getByText('Stock: stock:read').waitFor();

    await row.getByRole('button', { name: 'Edit role stock-reader' }).click();
    const edit = page.getByRole('form', { name: 'Edit role stock-reader' });
    assert.equal(
      await edit
        .getByRole('group', { name: `Stock (${INVENTORY})` })
        .getByLabel('stock:read')
        .isChecked(),
      true,
    );
    assert.deepEqual(await axeViolations(page), [], 'axe-core on the Roles view with an edit form open');
    await edit.getByLabel('Description').fill('Reads the stock');
    await edit.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved the role stock-reader.' }).waitFor();
    assert.equal((await roleNamed('stock-reader'))?.description, 'Reads the stock');
    assert.deepEqual((await roleNamed('stock-reader'))?.permissions, [{ api: INVENTORY, permission: 'stock:read' }]);

    // The built-in roles have no Delete.
    const builtIn = page.getByRole('table', { name: 'Roles' }).getByRole('row').filter({ hasText: 'clerk' });
    assert.equal(await builtIn.getByRole('button', { name: /^Delete/ }).count(), 0);

    // The API a role holds cannot be deleted: the problem is shown and the API stays.
    await page.getByRole('link', { name: 'APIs' }).click();
    await page
      .getByRole('table', { name: 'APIs' })
      .getByRole('row')
      .filter({ hasText: INVENTORY })
      .getByRole('button', { name: 'Delete Stock' })
      .click();
    await page.getByRole('dialog', { name: 'Delete the API Stock?' }).getByRole('button', { name: 'Delete' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: '1 role(s) and 0 client(s) still hold permissions of this API: remove them first.' })
      .waitFor();
    assert.ok(await apiNamed(INVENTORY));
  });

  it('Users: gives carol the role after a confirm that says her tokens end; her roles are shown', async () => {
    const carolToken = await apiToken(server.url, 'carol', server.password('carol'));
    await page.getByRole('link', { name: 'Users' }).click();
    // By the username cell: the employee pickers name people too.
    const row = page.getByRole('row').filter({ has: page.getByRole('cell', { name: 'carol', exact: true }) });
    const rolesCell = row.locator('td[data-label="Roles"]');
    await rolesCell.getByRole('button', { name: 'Roles of carol' }).waitFor();
    assert.match((await rolesCell.textContent()) ?? '', /^employee\b/);

    // Cancelling changes nothing.
    await row.getByRole('button', { name: 'Roles of carol' }).click();
    let dialog = page.getByRole('dialog', { name: 'Roles of carol' });
    assert.equal(await dialog.getByLabel('employee', { exact: true }).isChecked(), true);
    await dialog.getByLabel('stock-reader').check();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    assert.deepEqual((await userNamed('carol'))?.roles, ['employee']);

    await row.getByRole('button', { name: 'Roles of carol' }).click();
    dialog = page.getByRole('dialog', { name: 'Roles of carol' });
    await dialog.getByLabel('stock-reader').check();
    assert.deepEqual(await axeViolations(page), [], "axe-core on the Users view with carol's roles open");
    await dialog.getByRole('button', { name: 'Save roles' }).click();
    const confirm = page.getByRole('dialog', { name: 'Change the roles of carol?' });
    await confirm.getByText('their live tokens end').waitFor();
    await confirm.getByRole('button', { name: 'Change roles' }).click();
    await page.getByRole('status').filter({ hasText: 'carol now holds employee, stock-reader.' }).waitFor();
    assert.deepEqual((await userNamed('carol'))?.roles, ['employee', 'stock-reader']);
    await rolesCell.filter({ hasText: 'employee, stock-reader' }).waitFor();
    // Her token from before the change no longer works.
    const old = await fetch(`${server.url}/api/users/me`, { headers: { authorization: `Bearer ${carolToken}` } });
    assert.equal(old.status, 401);

    // The existing single-role select is still there.
    assert.equal(await row.getByLabel('Role of carol').inputValue(), 'employee');
    assert.deepEqual(await cspViolations(), []);
  });

  it('a clerk sees no Users, APIs or Roles entry, and the page itself says it is not theirs', async () => {
    const context = await browser.newContext();
    try {
      const clerk = await context.newPage();
      await clerk.goto(server.url);
      await signIn(clerk, 'bob', server.password('bob'));
      const links = await navLinks(clerk);
      for (const hidden of ['Users', 'APIs', 'Roles', 'Keys', 'Audit log']) assert.ok(!links.includes(hidden), hidden);
      await clerk.goto(`${server.url}/apis`);
      await clerk.getByRole('status').filter({ hasText: 'This page is for administrators.' }).waitFor();
      assert.equal(await clerk.getByRole('form', { name: 'Register an API' }).count(), 0);
    } finally {
      await context.close();
    }
  });
});
