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

interface Payment {
  id: string;
  employee_id: string;
  amount_cents: number;
  kind: string;
  memo: string | null;
}

/** A period no seeded payment uses, so whatever is in it was made by the test. */
const PERIOD = '2031-01';

/** The confirmation a payment asks for: its button, by name. */
const confirmButton = (page: Page, name: string) => page.getByRole('dialog').getByRole('button', { name, exact: true });

async function openPayments(page: Page, server: ConsoleServer): Promise<void> {
  await page.goto(server.url);
  await signIn(page, 'alice', server.password('alice'));
  await page.getByRole('table', { name: 'Payments' }).getByRole('row').nth(1).waitFor();
}

describe('console: payments', { timeout: 60_000 }, () => {
  let server: ConsoleServer;
  let browser: Browser;
  let admin: string;
  const paymentsIn = async (employee: string) =>
    (
      await apiGet<{ items: Payment[] }>(
        server.url,
        admin,
        `/api/payments?employee_id=${employee}&from=${PERIOD}&to=${PERIOD}`,
      )
    ).items;

  before(async () => {
    [server, browser] = await Promise.all([startConsoleServer(), launchChromium()]);
    admin = await apiToken(server.url, 'alice', server.password('alice'));
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('a double-clicked Pay creates one payment, and a double-clicked Reverse one reversal', async () => {
    const context = await browser.newContext();
    const cspViolations = await watchCsp(context);
    try {
      const page = await context.newPage();
      await openPayments(page, server);
      const form = page.getByRole('form', { name: 'Pay an employee' });
      const employee = form.getByLabel('Employee');
      await employee.selectOption({ label: 'Emma Schulz' });
      const employeeId = await employee.inputValue();
      await form.getByLabel('Amount').fill('1234.56');
      await form.getByLabel('Period').fill(PERIOD);
      await form.getByLabel('Memo').fill('double click');
      await form.getByRole('button', { name: 'Pay' }).dblclick();
      const dialog = page.getByRole('dialog');
      assert.match(await dialog.innerText(), /Pay \D*1,234\.56\D* to Emma Schulz for 2031-01 \(double click\)/);
      await confirmButton(page, 'Pay').dblclick();
      await page
        .getByRole('status')
        .filter({ hasText: /^Paid / })
        .waitFor();
      // Let a second submission, had there been one, land before counting.
      await page.waitForTimeout(500);
      const paid = await paymentsIn(employeeId);
      assert.deepEqual(
        paid.map((p) => [p.kind, p.amount_cents, p.memo]),
        [['payment', 123456, 'double click']],
      );

      const row = page.getByRole('table', { name: 'Payments' }).getByRole('row').filter({ hasText: 'double click' });
      await row.getByRole('button', { name: /^Reverse / }).dblclick();
      assert.match(await page.getByRole('dialog').innerText(), /Emma Schulz's payment of \D*1,234\.56\D* for 2031-01/);
      await page.getByRole('dialog').getByLabel('Reason (kept in the audit log)').fill('paid by mistake');
      await confirmButton(page, 'Reverse payment').dblclick();
      await page
        .getByRole('status')
        .filter({ hasText: /^Reversed / })
        .waitFor();
      await page.waitForTimeout(500);
      const after = await paymentsIn(employeeId);
      assert.deepEqual(after.map((p) => p.kind).sort(), ['payment', 'reversal']);
      assert.equal(after.find((p) => p.kind === 'reversal')?.amount_cents, -123456);
      assert.equal(
        after.find((p) => p.kind === 'reversal')?.memo,
        'paid by mistake',
        "the reason is the reversal's memo",
      );
      assert.deepEqual(await cspViolations(), []);
    } finally {
      await context.close();
    }
  });

  it('a Pay whose answer was lost, clicked again, sends the same Idempotency-Key and pays once', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await openPayments(page, server);
      const keys: string[] = [];
      let replayed: string | undefined;
      await page.route('**/api/payments', async (route) => {
        keys.push(route.request().headers()['idempotency-key'] ?? '');
        const answer = await route.fetch();
        if (keys.length === 1) return route.abort('connectionreset'); // paid on the server, the answer lost
        replayed = answer.headers()['idempotent-replayed'];
        return route.fulfill({ response: answer });
      });
      const form = page.getByRole('form', { name: 'Pay an employee' });
      await form.getByLabel('Employee').selectOption({ label: 'Farid Haddad' });
      const employeeId = await form.getByLabel('Employee').inputValue();
      await form.getByLabel('Amount').fill('50');
      await form.getByLabel('Period').fill(PERIOD);
      await form.getByRole('button', { name: 'Pay' }).click();
      await confirmButton(page, 'Pay').click();
      await form.getByRole('alert').filter({ hasText: 'Network error' }).waitFor();
      await form.getByRole('button', { name: 'Pay' }).click();
      await confirmButton(page, 'Pay').click();
      await page
        .getByRole('status')
        .filter({ hasText: /^Paid / })
        .waitFor();
      assert.equal(keys.length, 2);
      assert.match(keys[0] ?? '', /^[0-9a-f]{32}$/);
      assert.equal(keys[1], keys[0], 'the retry carries the same key');
      assert.equal(replayed, 'true', 'the server answered the first payment again');
      assert.deepEqual(
        (await paymentsIn(employeeId)).map((p) => p.amount_cents),
        [5000],
      );
    } finally {
      await context.close();
    }
  });

  it("a refused payment shows the problem's title and detail, and pays nothing", async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await openPayments(page, server);
      const form = page.getByRole('form', { name: 'Pay an employee' });
      await form.getByLabel('Employee').selectOption({ label: 'Karin Novak' });
      const employeeId = await form.getByLabel('Employee').inputValue();
      await form.getByLabel('Amount').fill('100');
      await form.getByLabel('Period').fill(PERIOD);
      await form.getByRole('button', { name: 'Pay' }).click();
      await confirmButton(page, 'Pay').click();
      const alert = form.getByRole('alert');
      await alert.waitFor();
      assert.match(
        await alert.innerText(),
        /Conflict\s+Only active employees can be paid; this employee is on_leave\./,
      );
      assert.deepEqual(await paymentsIn(employeeId), []);
    } finally {
      await context.close();
    }
  });

  it('the filters narrow the list to one employee and period range', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await openPayments(page, server);
      const filters = page.getByRole('form', { name: 'Filter payments' });
      await filters.getByLabel('Employee').selectOption({ label: 'Hiro Tanaka' });
      await filters.getByLabel('From period').fill('2026-09');
      await filters.getByLabel('To period').fill('2026-09');
      await filters.getByRole('button', { name: 'Apply filters' }).click();
      const rows = page.getByRole('table', { name: 'Payments' }).getByRole('row');
      await until(async () => (await rows.count()) === 2, 'one payment row is left');
      assert.match(await rows.nth(1).innerText(), /2026-09\s+Hiro Tanaka/);
    } finally {
      await context.close();
    }
  });
});
