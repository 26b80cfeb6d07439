import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  apiGet,
  apiToken,
  axeViolations,
  launchChromium,
  signIn,
  startConsoleServer,
  until,
  watchCsp,
  type ConsoleServer,
} from './harness.js';

/**
 * Issue #21: a payroll office runs on the console. Each role (alice admin, bob clerk, carol
 * employee) drives its flows at a phone and a desktop viewport; every view is screenshotted into
 * test-results/screenshots (gitignored), checked by axe-core (0 violations), and at the phone
 * size must not scroll sideways.
 */
const SCREENSHOTS = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));

const VIEWPORTS = [
  { name: 'phone', width: 390, height: 844, period: '2033-01' },
  { name: 'desktop', width: 1280, height: 800, period: '2033-02' },
] as const;
type Viewport = (typeof VIEWPORTS)[number];

interface Payment {
  id: string;
  employee_id: string;
  amount_cents: number;
  kind: string;
  memo: string | null;
  period: string;
  reversed_by_payment_id: string | null;
}
interface Employee {
  id: string;
  name: string;
  title: string;
  status: string;
  department: string;
}
/** A screenshot, axe-core finding nothing, and (on the phone) no sideways scrolling. */
async function check(page: Page, viewport: Viewport, name: string): Promise<void> {
  await page.screenshot({ path: `${SCREENSHOTS}${name}-${viewport.name}.png`, fullPage: true });
  assert.deepEqual(await axeViolations(page), [], `axe-core on ${name} at ${viewport.name}`);
  if (viewport.name === 'phone') {
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= viewport.width, `${name} is ${width} px wide on a ${viewport.width} px phone`);
  }
}

async function go(page: Page, link: string, heading: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

const dialog = (page: Page) => page.getByRole('dialog');

describe('console: a payroll office on any screen (issue #21)', { timeout: 600_000 }, () => {
  let server: ConsoleServer;
  let browser: Browser;
  let admin: string;
  const api = <T>(path: string) => apiGet<T>(server.url, admin, path);

  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    [server, browser] = await Promise.all([startConsoleServer(), launchChromium()]);
    admin = await apiToken(server.url, 'alice', server.password('alice'));
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function open(
    viewport: Viewport,
    user: 'alice' | 'bob' | 'carol',
  ): Promise<{ context: BrowserContext; page: Page; csp: () => Promise<string[]> }> {
    const context = await browser.newContext({
      viewport: { width: viewport.width, height: viewport.height },
      acceptDownloads: true,
      locale: 'en-US',
    });
    const csp = await watchCsp(context);
    const page = await context.newPage();
    await page.goto(server.url);
    await signIn(page, user, server.password(user));
    await page.getByRole('heading', { level: 1, name: 'Payments' }).waitFor();
    return { context, page, csp };
  }

  it('at 360 px, the narrowest phone, no view of the admin scrolls sideways or fails axe-core; a reload of a payslip address shows it again', async () => {
    const narrow = { name: 'narrow', width: 360, height: 740, period: '' };
    const { context, page } = await open(narrow as unknown as Viewport, 'alice');
    try {
      for (const [link, heading] of [
        ['Payments', 'Payments'],
        ['Employees', 'Employees'],
        ['Sessions', 'Sessions'],
        ['Security', 'Security'],
        ['Users', 'Users'],
        ['APIs', 'APIs'],
        ['Roles', 'Roles'],
        ['Keys', 'Keys'],
        ['Audit log', 'Audit log'],
      ] as const) {
        await go(page, link, heading);
        if (heading !== 'Security') await page.getByRole('table').last().getByRole('row').nth(1).waitFor();
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(width <= 360, `${heading} is ${width} px wide at 360 px`);
        assert.deepEqual(await axeViolations(page), [], `axe-core on ${heading} at 360 px`);
      }
      await go(page, 'Payments', 'Payments');
      await page
        .getByRole('table', { name: 'Payments' })
        .getByRole('link', { name: /^Details of/ })
        .first()
        .click();
      const heading = page.getByRole('heading', { level: 1, name: / for \d{4}-\d{2}$/ });
      const title = await heading.innerText();
      await page.reload();
      await page.getByRole('heading', { level: 1, name: title }).waitFor();
    } finally {
      await context.close();
    }
  });

  for (const viewport of VIEWPORTS) {
    it(`admin (alice), ${viewport.name}: employees added with the server's messages, searched, edited, deactivated`, async () => {
      const { context, page, csp } = await open(viewport, 'alice');
      try {
        await go(page, 'Employees', 'Employees');
        await page.getByRole('button', { name: 'Add employee' }).click();
        const form = page.getByRole('form', { name: 'Add an employee' });
        const name = `Noor ${viewport.name === 'phone' ? 'Phoneson' : 'Deskholm'}`;
        await form.getByLabel('Name').fill(name);
        await form.getByLabel('Email').fill(`noor.${viewport.name}@example.com`);
        await form.getByLabel('Department').fill('Research');
        await form.getByLabel('Title').fill('Analyst');
        await form.getByLabel('Yearly salary').fill('61000');
        await form.getByLabel('Currency').fill('EUR');
        await form.getByLabel('Bank account (IBAN)').fill('DE00 0000 0000 0000 0000 00');
        await form.getByLabel('Hired on').fill('2033-01-02');
        await form.getByRole('button', { name: 'Add employee' }).click();
        // The server's own message, beside the field it names.
        const ibanError = form.getByRole('alert');
        await ibanError.waitFor();
        assert.equal(await ibanError.innerText(), 'bank account must be a valid IBAN.');
        assert.equal(await form.getByLabel('Bank account (IBAN)').getAttribute('aria-invalid'), 'true');
        await check(page, viewport, 'admin-employee-form-error');
        await form.getByLabel('Bank account (IBAN)').fill('GB82 WEST 1234 5698 7654 32');
        await form.getByRole('button', { name: 'Add employee' }).click();
        await page
          .getByRole('status')
          .filter({ hasText: `Added ${name}.` })
          .waitFor();

        const search = page.getByRole('form', { name: 'Search employees' });
        await search.getByLabel('Name').fill(name.split(' ')[1]?.toLowerCase() ?? '');
        await search.getByRole('button', { name: 'Search' }).click();
        const rows = page.getByRole('table', { name: 'Employees' }).getByRole('row');
        await until(async () => (await rows.count()) === 2, 'the search finds the one new employee');
        await search.getByLabel('Name').fill('');
        await search.getByLabel('Department').selectOption('Research');
        await search.getByRole('button', { name: 'Search' }).click();
        await until(
          async () => (await rows.count()) >= 2 && (await rows.nth(1).innerText()).includes('Research'),
          'the department narrows the list',
        );
        await check(page, viewport, 'admin-employees');
        await search.getByLabel('Name').fill('nobody-by-this-name');
        await search.getByRole('button', { name: 'Search' }).click();
        await page.getByRole('status').filter({ hasText: 'No employees match this search' }).waitFor();
        await search.getByRole('button', { name: 'Clear' }).click();

        await page.getByRole('link', { name, exact: true }).click();
        await page.getByRole('heading', { level: 1, name }).waitFor();
        await page.getByRole('button', { name: 'Edit' }).click();
        const edit = page.getByRole('form', { name: `Edit ${name}` });
        await edit.getByLabel('Title').fill('Senior Analyst');
        await edit.getByRole('button', { name: 'Save changes' }).click();
        await page
          .getByRole('status')
          .filter({ hasText: `Saved ${name}.` })
          .waitFor();
        await page.getByRole('button', { name: 'Deactivate' }).click();
        assert.match(await dialog(page).innerText(), new RegExp(`${name} \\(Research\\) will be marked terminated`));
        await check(page, viewport, 'admin-employee-deactivate');
        await dialog(page).getByRole('button', { name: 'Deactivate' }).click();
        await page
          .getByRole('status')
          .filter({ hasText: `${name} is deactivated.` })
          .waitFor();
        await page.getByRole('heading', { name: 'Payments' }).waitFor();
        await page.getByRole('status').filter({ hasText: 'No payments yet.' }).waitFor();
        await check(page, viewport, 'admin-employee-page');

        const saved = (await api<{ items: Employee[] }>(`/api/employees?q=${encodeURIComponent(name)}`)).items;
        assert.deepEqual(
          saved.map((e) => [e.title, e.status, e.department]),
          [['Senior Analyst', 'terminated', 'Research']],
        );
        assert.deepEqual(await csp(), []);
      } finally {
        await context.close();
      }
    });

    it(`admin (alice), ${viewport.name}: pay through the picker, confirmed; filter, totals, CSV export; payslip and a reversal with its reason`, async () => {
      const { context, page, csp } = await open(viewport, 'alice');
      try {
        const form = page.getByRole('form', { name: 'Pay an employee' });
        await form.getByLabel('Search names').fill('schul');
        const picker = form.getByLabel('Employee', { exact: true });
        // The employees arrive after the form: wait for them before reading the narrowed list.
        await picker.locator('option', { hasText: 'Emma Schulz' }).waitFor({ state: 'attached' });
        assert.deepEqual(
          (await picker.locator('option').allInnerTexts()).slice(1),
          ['Emma Schulz'],
          'the search narrows the list',
        );
        await picker.selectOption({ label: 'Emma Schulz' });
        await form.getByLabel('Amount').fill('12.34');
        await form.getByLabel('Period').fill(viewport.period);
        await form.getByLabel('Memo').fill('=HYPERLINK("http://x")');
        await form.getByRole('button', { name: 'Pay' }).click();
        assert.match(await dialog(page).innerText(), new RegExp(`Pay €12\\.34 to Emma Schulz for ${viewport.period}`));
        await check(page, viewport, 'admin-pay-confirm');
        // Keyboard: Escape cancels, nothing is paid.
        await page.keyboard.press('Escape');
        await dialog(page).waitFor({ state: 'detached' });
        await form.getByRole('button', { name: 'Pay' }).click();
        await dialog(page).getByRole('button', { name: 'Pay', exact: true }).click();
        await page
          .getByRole('status')
          .filter({ hasText: `Paid €12.34 to Emma Schulz for ${viewport.period}.` })
          .waitFor();
        const emma = (await api<{ items: Employee[] }>('/api/employees?q=Emma%20Schulz')).items[0];
        assert.ok(emma);
        const paid = (
          await api<{ items: Payment[] }>(
            `/api/payments?employee_id=${emma.id}&from=${viewport.period}&to=${viewport.period}`,
          )
        ).items;
        assert.deepEqual(
          paid.map((p) => [p.kind, p.amount_cents]),
          [['payment', 1234]],
          'Escape paid nothing, the confirmation once',
        );

        // Newest first: the new payment heads the list once it has re-read (it re-reads after the
        // status shows; reading the row at once raced under CI load and saw the list before).
        const rows = page.getByRole('table', { name: 'Payments' }).getByRole('row');
        const newest = new RegExp(`${viewport.period}[\\s\\S]*Emma Schulz`);
        await until(async () => newest.test(await rows.nth(1).innerText()), 'the new payment heads the list');
        const totals = page.getByRole('table', { name: 'Totals per period' });
        await totals.getByRole('row').filter({ hasText: viewport.period }).first().waitFor();
        await check(page, viewport, 'admin-payments');

        const filters = page.getByRole('form', { name: 'Filter payments' });
        await filters.getByLabel('Employee').selectOption({ label: 'Emma Schulz' });
        await filters.getByLabel('From period').fill(viewport.period);
        await filters.getByLabel('To period').fill(viewport.period);
        await filters.getByLabel('Kind').selectOption('payment');
        await filters.getByRole('button', { name: 'Apply filters' }).click();
        await until(async () => (await rows.count()) === 2, 'one payment is left');
        await until(
          async () =>
            (await totals.getByRole('row').count()) === 2 &&
            (await totals.getByRole('row').nth(1).innerText()).includes('12.34'),
          'its total is the one line',
        );

        const [download] = await Promise.all([
          page.waitForEvent('download'),
          page.getByRole('button', { name: 'Export CSV' }).click(),
        ]);
        assert.equal(download.suggestedFilename(), 'payments.csv');
        const csv = readFileSync(await download.path(), 'utf8').split('\r\n');
        assert.equal(
          csv[0],
          '"id","period","employee","employee_id","amount","currency","kind","reverses_payment_id","memo","created_at"',
        );
        assert.equal(csv.length, 3, 'the header, the one filtered payment, the final line end');
        assert.match(
          csv[1] ?? '',
          new RegExp(
            `"${viewport.period}","Emma Schulz","${emma.id}","12.34","EUR","payment",,"'=HYPERLINK\\(""http://x""\\)",`,
          ),
        );

        await rows
          .nth(1)
          .getByRole('link', { name: /^Details of/ })
          .click();
        await page.getByRole('heading', { level: 1, name: `Payment for ${viewport.period}` }).waitFor();
        await check(page, viewport, 'admin-payslip');
        await page.getByRole('button', { name: /^Reverse / }).click();
        const reason = dialog(page).getByLabel('Reason (kept in the audit log)');
        await until(
          () => reason.evaluate((element) => element === document.activeElement),
          'focus moves into the dialog',
        );
        await dialog(page).getByRole('button', { name: 'Reverse payment' }).click();
        assert.equal(await dialog(page).count(), 1, 'a reversal without a reason is not sent');
        await reason.fill('wrong amount');
        await check(page, viewport, 'admin-reverse-confirm');
        await dialog(page).getByRole('button', { name: 'Reverse payment' }).click();
        await page
          .getByRole('status')
          .filter({ hasText: `Reversed Emma Schulz's ${viewport.period} payment of €12.34.` })
          .waitFor();
        await page.getByRole('link', { name: 'The reversal' }).click();
        await page.getByRole('heading', { level: 1, name: `Reversal for ${viewport.period}` }).waitFor();
        assert.match(await page.locator('.facts').innerText(), /-€12\.34[\s\S]*wrong amount/);
        await page.getByRole('link', { name: 'The original payment' }).waitFor();

        const events = (
          await api<{ items: Array<{ details: Record<string, unknown>; target_id: string }> }>(
            '/api/audit-events?type=payment.reversed&limit=100',
          )
        ).items;
        assert.equal(events.find((e) => e.target_id === paid[0]?.id)?.details.reason, 'wrong amount');
        assert.deepEqual(await csp(), []);
      } finally {
        await context.close();
      }
    });

    it(`admin (alice), ${viewport.name}: audit in words with filters and the raw event; sessions, keys and users confirmed`, async () => {
      const { context, page, csp } = await open(viewport, 'alice');
      try {
        await go(page, 'Audit log', 'Audit log');
        const filter = page.getByRole('form', { name: 'Filter events' });
        await filter.getByLabel('Actor').selectOption({ label: 'alice' });
        await filter.getByLabel('Event type').fill('payment.reversed');
        const today = new Date().toISOString().slice(0, 10);
        await filter.getByLabel('From date').fill(today);
        await filter.getByRole('button', { name: 'Apply filter' }).click();
        const events = page.getByRole('table', { name: 'Audit events' });
        const said = `alice reversed Emma Schulz's payment of EUR 12.34 for ${viewport.period} (reason: wrong amount)`;
        await events.getByRole('cell', { name: said }).waitFor();
        await until(
          async () =>
            (await events.locator('td.event-type').allTextContents()).every((type) => type === 'payment.reversed'),
          'only reversals are listed',
        );
        const row = events.getByRole('row').filter({ hasText: said });
        await row.getByText('Raw event').click();
        const raw = JSON.parse(await row.locator('pre').innerText()) as { type: string; details: { reason: string } };
        assert.deepEqual([raw.type, raw.details.reason], ['payment.reversed', 'wrong amount']);
        await check(page, viewport, 'admin-audit');

        await go(page, 'Sessions', 'Sessions');
        const mine = page
          .getByRole('table', { name: 'My sessions' })
          .getByRole('row')
          .filter({ hasText: '(this device)' });
        await mine.waitFor();
        const device = (await mine.getByRole('cell').first().innerText()).split(' (')[0]?.trim() ?? '';
        assert.match(device, /^Chrome on Linux/);
        const all = page.getByRole('table', { name: 'All sessions' });
        await all.getByRole('row').nth(1).waitFor();
        const allText = await all.innerText();
        assert.doesNotMatch(allText, /Unknown device/);
        assert.match(allText, /Chrome on Linux[\s\S]*127\.0\.0\.1/);
        await mine.getByRole('button', { name: 'Revoke' }).click();
        assert.match(
          await dialog(page).innerText(),
          /your session on Chrome on Linux from 127\.0\.0\.1 — this browser tab itself/,
        );
        await check(page, viewport, 'admin-sessions-confirm');
        await dialog(page).getByRole('button', { name: 'Cancel' }).click();
        await check(page, viewport, 'admin-sessions');

        await go(page, 'Keys', 'Keys');
        const keysBefore = (await api<{ items: Array<{ kid: string; state: string }> }>('/api/keys')).items;
        const activeKid = keysBefore.find((key) => key.state === 'active')?.kid;
        assert.ok(activeKid, 'an active key');
        // The dialog names the active key from the list: wait until the list has arrived.
        await page.getByText(activeKid).first().waitFor();
        await page.getByRole('button', { name: 'Rotate now' }).click();
        assert.match(
          await dialog(page).innerText(),
          /A new key signs every token from this moment; the active key \S+ retires/,
        );
        await dialog(page).getByRole('button', { name: 'Cancel' }).click();
        assert.equal(
          (await api<{ items: unknown[] }>('/api/keys')).items.length,
          keysBefore.length,
          'Cancel rotates nothing',
        );
        await check(page, viewport, 'admin-keys');

        // The console invites; the employee record is picked by name (and department), not typed as an id.
        await go(page, 'Users', 'Users');
        const invite = page.getByRole('form', { name: 'Invite a user' });
        await invite.getByLabel('Email address').fill(`isabel-${viewport.name}@example.test`);
        await invite.getByLabel('Role').selectOption('employee');
        await invite.getByLabel('Search employees').fill('operat');
        await invite.getByLabel('Employee record').selectOption({ label: 'Isabel Ferreira (Operations)' });
        await check(page, viewport, 'admin-users-invite');
        await invite.getByRole('button', { name: 'Send invitation' }).click();
        await page
          .getByRole('status')
          .filter({ hasText: `Invited isabel-${viewport.name}@example.test (employee)` })
          .waitFor();
        const isabel = (await api<{ items: { id: string; name: string }[] }>('/api/employees?limit=100')).items.find(
          (e) => e.name === 'Isabel Ferreira',
        );
        const username = `clerk-${viewport.name}`;
        const created = await fetch(`${server.url}/api/users`, {
          method: 'POST',
          headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            username,
            password: 'correct-horse-battery-staple-42',
            role: 'employee',
            employee_id: isabel?.id,
          }),
        });
        assert.equal(created.status, 201);
        await page.reload();
        const userRow = page.getByRole('table', { name: 'Users' }).getByRole('row').filter({ hasText: username });
        const link = userRow.getByLabel(`Employee record of ${username}`);
        // The employees' names arrive after the users: until then the select shows the bare id.
        await link.locator('option', { hasText: 'Isabel Ferreira' }).waitFor({ state: 'attached' });
        assert.equal(
          await link.locator('option:checked').innerText(),
          'Isabel Ferreira (Operations)',
          'the employee by name, not by id',
        );
        await userRow.getByLabel(`Role of ${username}`).selectOption('clerk');
        assert.match(await dialog(page).innerText(), new RegExp(`${username} changes from employee to clerk`));
        await dialog(page).getByRole('button', { name: 'Cancel' }).click();
        assert.equal(
          await userRow.getByLabel(`Role of ${username}`).inputValue(),
          'employee',
          'a cancelled role change shows the role unchanged',
        );
        await userRow.getByRole('button', { name: 'Disable' }).click();
        await dialog(page).getByRole('button', { name: 'Disable' }).click();
        await userRow.getByRole('button', { name: 'Enable' }).waitFor();
        await check(page, viewport, 'admin-users');
        assert.deepEqual(await csp(), []);
      } finally {
        await context.close();
      }
    });

    it(`clerk (bob), ${viewport.name}: reviews employees (masked) and payments with totals and export, changes nothing`, async () => {
      const { context, page, csp } = await open(viewport, 'bob');
      try {
        assert.equal(await page.getByRole('form', { name: 'Pay an employee' }).count(), 0);
        await page.getByRole('table', { name: 'Totals per period' }).getByRole('row').nth(1).waitFor();
        assert.equal(await page.getByRole('button', { name: /^Reverse/ }).count(), 0);
        await check(page, viewport, 'clerk-payments');
        const [download] = await Promise.all([
          page.waitForEvent('download'),
          page.getByRole('button', { name: 'Export CSV' }).click(),
        ]);
        const lines = readFileSync(await download.path(), 'utf8')
          .trim()
          .split('\r\n');
        const all = await api<{ items: unknown[]; next_cursor: string | null }>('/api/payments?limit=100');
        assert.equal(all.next_cursor, null);
        assert.equal(lines.length - 1, all.items.length, 'every payment, one line each');

        await page
          .getByRole('table', { name: 'Payments' })
          .getByRole('link', { name: /^Details of/ })
          .first()
          .click();
        await page.getByRole('heading', { level: 1, name: /^(Payment|Reversal) for / }).waitFor();
        assert.equal(await page.getByRole('button', { name: /^Reverse/ }).count(), 0);
        await page.getByText('Bank account', { exact: true }).waitFor();
        assert.match(await page.locator('.facts').innerText(), /\*\*/, 'the bank account is masked');
        await check(page, viewport, 'clerk-payslip');

        await go(page, 'Employees', 'Employees');
        assert.equal(await page.getByRole('button', { name: 'Add employee' }).count(), 0);
        const rows = page.getByRole('table', { name: 'Employees' }).getByRole('row');
        await rows.nth(1).waitFor();
        assert.match(await rows.nth(1).innerText(), /\*\*/);
        await page.getByRole('form', { name: 'Search employees' }).getByLabel('Department').selectOption('Sales');
        await page.getByRole('form', { name: 'Search employees' }).getByRole('button', { name: 'Search' }).click();
        await until(async () => (await rows.count()) === 3, 'the two in Sales');
        await check(page, viewport, 'clerk-employees');
        await rows.nth(1).getByRole('link').click();
        await page.getByRole('heading', { name: 'Payments' }).waitFor();
        assert.equal(await page.getByRole('button', { name: 'Edit' }).count(), 0);
        await page
          .getByRole('table', { name: /^Payments of / })
          .getByRole('row')
          .nth(1)
          .waitFor();
        await check(page, viewport, 'clerk-employee-page');
        await go(page, 'Sessions', 'Sessions');
        assert.equal(await page.getByRole('table', { name: 'All sessions' }).count(), 0);
        await check(page, viewport, 'clerk-sessions');
        assert.deepEqual(await csp(), []);
      } finally {
        await context.close();
      }
    });

    it(`employee (carol), ${viewport.name}: sees only her own record and payments, and her payslip`, async () => {
      const { context, page, csp } = await open(viewport, 'carol');
      try {
        const rows = page.getByRole('table', { name: 'Payments' }).getByRole('row');
        await rows.nth(1).waitFor();
        const shown = await page
          .getByRole('table', { name: 'Payments' })
          .locator('tbody tr td:nth-child(2)')
          .allInnerTexts();
        assert.ok(shown.length > 0 && shown.every((text) => text.includes('Carol Nguyen')), 'only her own payments');
        assert.equal(await page.getByRole('form', { name: 'Filter payments' }).getByLabel('Employee').count(), 0);
        await check(page, viewport, 'employee-payments');
        await rows
          .nth(1)
          .getByRole('link', { name: /^Details of/ })
          .click();
        await page.getByRole('heading', { level: 1, name: /for 20/ }).waitFor();
        assert.match(await page.locator('.facts').innerText(), /Carol Nguyen/);
        await check(page, viewport, 'employee-payslip');

        await go(page, 'Employees', 'Employees');
        const employees = page.getByRole('table', { name: 'Employees' }).getByRole('row');
        await employees.nth(1).waitFor();
        assert.equal(await employees.count(), 2, 'herself only');
        assert.equal(await page.getByRole('form', { name: 'Search employees' }).count(), 0);
        await check(page, viewport, 'employee-employees');
        await employees.nth(1).getByRole('link', { name: 'Carol Nguyen' }).click();
        await page.getByRole('table', { name: 'Payments of Carol Nguyen' }).getByRole('row').nth(1).waitFor();
        await check(page, viewport, 'employee-own-page');
        assert.deepEqual(await csp(), []);
      } finally {
        await context.close();
      }
    });
  }
});
