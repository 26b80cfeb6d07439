import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { encodeCursor } from '../../src/store/sql/cursor.js';
import { send, startTarget, type Answer, type Target } from './harness.js';

/**
 * OWASP API Security Top 10 (2023) against the payroll API of a real `bulwark serve` with the
 * DEFAULT limits: API1 object-level authorisation, API3 object property level authorisation
 * (mass assignment, excessive data exposure), API4 unrestricted resource consumption, API5
 * function-level authorisation. Expected answers are CONTRACT §4's.
 */

interface Employee {
  id: string;
  name: string;
  bank_account: string;
  created_at: string;
  salary_cents: number;
}
interface Payment {
  id: string;
  employee_id: string;
  created_at: string;
  reversed_by_payment_id: string | null;
  kind: string;
}
interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

let target: Target;
const tokens = { admin: '', clerk: '', employee: '' };
let carolEmployeeId: string;
let carolUserId: string;
let employees: Employee[];
let payments: Payment[];
let other: Employee;
let otherPayment: Payment;
let carolPayment: Payment;

const get = async <T>(token: string, path: string): Promise<T> => {
  const answer = await send(target, 'GET', path, { token });
  assert.equal(answer.status, 200, `${path}: ${answer.text}`);
  return answer.json<T>();
};

/** A request without a bearer credential: 401 invalid_token, problem+json, the bare challenge. */
function assertNoBearerCredential(answer: Answer, label: string): void {
  assert.equal(answer.status, 401, `${label}: status (${answer.text})`);
  assert.equal(answer.code, 'invalid_token', `${label}: code`);
  assert.equal(answer.headers['www-authenticate'], 'Bearer realm="bulwark"', `${label}: WWW-Authenticate`);
  assert.match(String(answer.headers['content-type']), /^application\/problem\+json/, `${label}: problem+json`);
}

function assertProblem(answer: Answer, status: number, code: string, label = ''): void {
  assert.equal(answer.status, status, `${label} ${answer.text.slice(0, 300)}`);
  assert.equal(answer.code, code, label);
  assert.ok(!/\bat \S+ \(|node:internal|\.ts:\d+/.test(answer.text), `${label}: no stack trace`);
}

before(async () => {
  target = await startTarget();
  tokens.admin = (await target.login('alice')).access_token;
  tokens.clerk = (await target.login('bob')).access_token;
  tokens.employee = (await target.login('carol')).access_token;
  const carol = target.claimsOf(tokens.employee);
  carolEmployeeId = String(carol.employee_id);
  carolUserId = String(carol.sub);
  employees = (await get<Page<Employee>>(tokens.admin, '/api/employees?limit=100')).items;
  payments = (await get<Page<Payment>>(tokens.admin, '/api/payments?limit=100')).items;
  const found = employees.find((e) => e.id !== carolEmployeeId && payments.some((p) => p.employee_id === e.id));
  assert.ok(found, 'the demo seed has another employee with payments');
  other = found;
  const otherP = payments.find((p) => p.employee_id === other.id && p.kind === 'payment');
  const carolP = payments.find(
    (p) => p.employee_id === carolEmployeeId && p.kind === 'payment' && p.reversed_by_payment_id === null,
  );
  assert.ok(otherP && carolP, 'the demo seed has payments for both');
  otherPayment = otherP;
  carolPayment = carolP;
});
after(() => target.stop());

describe('API1 broken object level authorisation (carol, employee)', () => {
  it("another employee's record and payment by id: 404 not_found, byte-identical to an id that does not exist", async () => {
    const record = await send(target, 'GET', `/api/employees/${other.id}`, { token: tokens.employee });
    const noRecord = await send(target, 'GET', `/api/employees/${randomUUID()}`, { token: tokens.employee });
    assertProblem(record, 404, 'not_found', 'other employee');
    assert.equal(record.text, noRecord.text);
    const payment = await send(target, 'GET', `/api/payments/${otherPayment.id}`, { token: tokens.employee });
    const noPayment = await send(target, 'GET', `/api/payments/${randomUUID()}`, { token: tokens.employee });
    assertProblem(payment, 404, 'not_found', 'other payment');
    assert.equal(payment.text, noPayment.text);
    // Her own are readable, so the 404s above are about ownership.
    assert.equal((await get<Employee>(tokens.employee, `/api/employees/${carolEmployeeId}`)).id, carolEmployeeId);
    assert.equal((await get<Payment>(tokens.employee, `/api/payments/${carolPayment.id}`)).id, carolPayment.id);
  });

  it('filtering payments by another employee_id is the empty list an unknown id gets', async () => {
    const others = await send(target, 'GET', `/api/payments?employee_id=${other.id}`, { token: tokens.employee });
    const nobody = await send(target, 'GET', `/api/payments?employee_id=${randomUUID()}`, { token: tokens.employee });
    assert.equal(others.status, 200);
    assert.deepEqual(others.json(), { items: [], next_cursor: null });
    assert.equal(others.text, nobody.text);
    const ranged = await get<Page<Payment>>(
      tokens.employee,
      `/api/payments?employee_id=${other.id}&from=2000-01&to=2099-12&limit=100`,
    );
    assert.deepEqual(ranged.items, []);
  });

  it('lists show only her own: employees and payments', async () => {
    assert.deepEqual(
      (await get<Page<Employee>>(tokens.employee, '/api/employees?limit=100')).items.map((e) => e.id),
      [carolEmployeeId],
    );
    const own = await get<Page<Payment>>(tokens.employee, '/api/payments?limit=100');
    assert.ok(own.items.length > 0);
    assert.ok(own.items.every((p) => p.employee_id === carolEmployeeId));
  });

  it("cursors crafted from other employees' rows (and the admin's real cursor) stay within her rows", async () => {
    const adminPage = await get<Page<Payment>>(tokens.admin, '/api/payments?limit=2');
    assert.ok(adminPage.next_cursor, 'the admin gets a next page');
    const cursors = [
      adminPage.next_cursor,
      encodeCursor([Date.parse(otherPayment.created_at), otherPayment.id]),
      encodeCursor([Date.parse(otherPayment.created_at) + 1, otherPayment.id]),
      encodeCursor([Date.parse(other.created_at), other.id]),
      encodeCursor([Number.MAX_SAFE_INTEGER, '']),
      encodeCursor([0, '']),
    ];
    const forbiddenIds = employees
      .filter((e) => e.id !== carolEmployeeId)
      .map((e) => e.id)
      .concat(payments.filter((p) => p.employee_id !== carolEmployeeId).map((p) => p.id));
    for (const cursor of cursors) {
      for (const path of [`/api/payments?limit=100&cursor=${cursor}`, `/api/employees?limit=100&cursor=${cursor}`]) {
        const answer = await send(target, 'GET', path, { token: tokens.employee });
        assert.equal(answer.status, 200, `${path}: ${answer.text}`);
        for (const id of forbiddenIds) assert.ok(!answer.text.includes(id), `${path} leaks ${id}`);
      }
    }
  });

  it('cursors that are not ours are 400 invalid_request, never a 500', async () => {
    for (const cursor of [
      'garbage!',
      Buffer.from('{"a":1}').toString('base64url'),
      Buffer.from('[1e400,"x"]').toString('base64url'),
      Buffer.from('["1","x"]').toString('base64url'),
    ]) {
      assertProblem(
        await send(target, 'GET', `/api/payments?cursor=${encodeURIComponent(cursor)}`, { token: tokens.employee }),
        400,
        'invalid_request',
        cursor,
      );
    }
  });

  it('the server is still healthy', () => target.assertHealthy());
});

describe('API3 broken object property level authorisation', () => {
  const newEmployee = (extra: Record<string, unknown> = {}) => ({
    name: 'Mara Jensen',
    email: `mara.${randomUUID().slice(0, 8)}@example.com`,
    department: 'Engineering',
    title: 'SRE',
    salary_cents: 7_400_000,
    currency: 'EUR',
    bank_account: 'GB82 WEST 1234 5698 7654 32',
    hired_on: '2026-11-02',
    ...extra,
  });
  const newPayment = (extra: Record<string, unknown> = {}) => ({
    employee_id: carolEmployeeId,
    amount_cents: 100,
    currency: 'EUR',
    period: '2026-12',
    ...extra,
  });

  it('mass assignment: unknown or read-only fields in POST/PATCH/PUT bodies are 400 invalid_request and change nothing', async () => {
    const employeeCount = (await get<Page<Employee>>(tokens.admin, '/api/employees?limit=100')).items.length;
    const paymentCount = (await get<Page<Payment>>(tokens.admin, '/api/payments?limit=100')).items.length;
    const idem = () => ({ 'idempotency-key': randomUUID() });
    const attempts: Array<[string, string, unknown, Record<string, string>?]> = [
      ...['id', 'created_at', 'updated_at', 'role', 'employee_id', 'is_admin'].map(
        (field): [string, string, unknown] => [
          'POST',
          '/api/employees',
          newEmployee({ [field]: field === 'created_at' ? '2000-01-01T00:00:00.000Z' : 'x' }),
        ],
      ),
      ...['id', 'created_at', 'updated_at', 'role', 'employee_id'].map((field): [string, string, unknown] => [
        'PATCH',
        `/api/employees/${carolEmployeeId}`,
        { title: 'Boss', [field]: 'x' },
      ]),
      ['PATCH', `/api/employees/${carolEmployeeId}`, { bank_account: { $ne: null } }],
      ...['id', 'created_at', 'created_by', 'kind', 'reverses_payment_id', 'reversed_by_payment_id'].map(
        (field): [string, string, unknown, Record<string, string>] => [
          'POST',
          '/api/payments',
          newPayment({ [field]: 'x' }),
          idem(),
        ],
      ),
      ['POST', `/api/payments/${carolPayment.id}/reversal`, { amount_cents: 1 }, idem()],
      ['POST', '/api/users', { username: 'mallory2', password: 'a long enough passphrase', role: 'clerk', id: 'x' }],
      [
        'POST',
        '/api/users',
        { username: 'mallory3', password: 'a long enough passphrase', role: 'clerk', disabled: false, created_at: 'x' },
      ],
      ['POST', '/api/users', { username: 'mallory4', password: 'a long enough passphrase', role: 'superadmin' }],
      ...['employee_id', 'username', 'password', 'password_hash', 'id'].map((field): [string, string, unknown] => [
        'PATCH',
        `/api/users/${carolUserId}`,
        { role: 'employee', [field]: 'x' },
      ]),
      ['PATCH', `/api/users/${carolUserId}`, { role: 'owner' }],
      [
        'PUT',
        '/api/users/me/password',
        { current_password: 'x', new_password: 'a long enough passphrase', role: 'admin' },
      ],
      ['POST', '/api/users-sessions', { username: 'carol', password: target.password('carol'), role: 'admin' }],
    ];
    for (const [method, path, body, headers] of attempts) {
      const answer = await send(target, method, path, { token: tokens.admin, body, headers });
      assertProblem(answer, 400, 'invalid_request', `${method} ${path} ${JSON.stringify(body)}`);
    }
    assert.equal((await get<Page<Employee>>(tokens.admin, '/api/employees?limit=100')).items.length, employeeCount);
    assert.equal((await get<Page<Payment>>(tokens.admin, '/api/payments?limit=100')).items.length, paymentCount);
    const carolNow = await get<Employee & { title: string }>(tokens.admin, `/api/employees/${carolEmployeeId}`);
    assert.notEqual(carolNow.title, 'Boss');
    const carolUser = (await get<Page<{ id: string; role: string }>>(tokens.admin, '/api/users?limit=100')).items.find(
      (u) => u.id === carolUserId,
    );
    assert.equal(carolUser?.role, 'employee');
    for (const name of ['mallory2', 'mallory3', 'mallory4'])
      assertProblem(
        await send(target, 'POST', '/api/users-sessions', {
          body: { username: name, password: 'a long enough passphrase' },
        }),
        401,
        'invalid_credentials',
        name,
      );
  });

  it('__proto__ and constructor keys are refused, not merged', async () => {
    for (const body of [
      '{"title":"x","__proto__":{"role":"admin"}}',
      '{"title":"x","constructor":{"prototype":{"role":"admin"}}}',
    ]) {
      assertProblem(
        await send(target, 'PATCH', `/api/employees/${carolEmployeeId}`, { token: tokens.admin, body }),
        400,
        'invalid_request',
        body,
      );
    }
  });

  it('the clerk sees every bank account masked (list and by id); the admin sees them in clear', async () => {
    const clear = new Map(employees.map((e) => [e.id, e.bank_account.replace(/ /g, '')]));
    const list = await send(target, 'GET', '/api/employees?limit=100', { token: tokens.clerk });
    const byId = await send(target, 'GET', `/api/employees/${other.id}`, { token: tokens.clerk });
    const masked = list
      .json<Page<Employee>>()
      .items.map((e) => e.bank_account)
      .concat(byId.json<Employee>().bank_account);
    assert.equal(masked.length, employees.length + 1);
    for (const account of masked) assert.match(account.replace(/ /g, ''), /^[A-Z]{2}\*+[A-Z0-9]{4}$/, account);
    for (const iban of clear.values()) {
      assert.ok(
        !list.text.replace(/ /g, '').includes(iban) && !byId.text.replace(/ /g, '').includes(iban),
        'no IBAN in clear for the clerk',
      );
      assert.ok(!iban.includes('*'), 'the admin sees it in clear');
    }
  });

  it('no password hash anywhere: /api/users/me for every role and /api/users for the admin', async () => {
    const userKeys = [
      'attributes',
      'created_at',
      'disabled',
      'email',
      'email_verified',
      'employee_id',
      'id',
      'role',
      'roles',
      'updated_at',
      'username',
    ];
    for (const token of Object.values(tokens)) {
      const answer = await send(target, 'GET', '/api/users/me', { token });
      assert.equal(answer.status, 200);
      // The caller's own view adds their permissions at Bulwark's API (contract §15.2).
      assert.deepEqual(Object.keys(answer.json<object>()).sort(), [...userKeys, 'permissions'].sort());
      assert.ok(!/argon2|password|hash/i.test(answer.text), answer.text);
    }
    const users = await send(target, 'GET', '/api/users?limit=100', { token: tokens.admin });
    assert.equal(users.status, 200);
    for (const user of users.json<Page<object>>().items) assert.deepEqual(Object.keys(user).sort(), userKeys);
    assert.ok(!/argon2|password|hash/i.test(users.text));
  });

  it('the server is still healthy', () => target.assertHealthy());
});

describe('API4 unrestricted resource consumption', () => {
  it('limit is 1..100: 101, 0, -1, abc, 1.5 and empty are 400 invalid_request on every paged route', async () => {
    for (const path of ['/api/employees', '/api/payments', '/api/users', '/api/sessions', '/api/audit-events']) {
      for (const limit of ['101', '0', '-1', 'abc', '1.5', '', '1e3', '100000000000000000000', '[1]']) {
        assertProblem(
          await send(target, 'GET', `${path}?limit=${limit}`, { token: tokens.admin }),
          400,
          'invalid_request',
          `${path}?limit=${limit}`,
        );
      }
      const full = await get<Page<unknown>>(tokens.admin, `${path}?limit=100`);
      assert.ok(full.items.length <= 100);
    }
  });

  it('a body over 64 KiB is 413 payload_too_large, before authorisation work or parsing', async () => {
    const huge = JSON.stringify({ title: 'x'.repeat(70 * 1024) });
    for (const [method, path, token] of [
      ['PATCH', `/api/employees/${carolEmployeeId}`, tokens.admin],
      ['POST', '/api/users-sessions', undefined],
    ] as const) {
      assertProblem(
        await send(target, method, path, { token, body: huge }),
        413,
        'payload_too_large',
        `${method} ${path}`,
      );
    }
  });

  it('deeply nested JSON and bodies with very many keys are 400 invalid_request', async () => {
    const bodies = {
      'array nesting 10 000 deep': '['.repeat(10_000) + ']'.repeat(10_000),
      'object nesting 40 deep': '{"a":'.repeat(40) + '1' + '}'.repeat(40),
      '5 000 keys': `{${Array.from({ length: 5_000 }, (_, i) => `"k${i}":1`).join(',')}}`,
      'one key repeated 2 000 times': `{${Array.from({ length: 2_000 }, () => '"title":"x"').join(',')}}`,
    };
    for (const [name, body] of Object.entries(bodies)) {
      assertProblem(
        await send(target, 'PATCH', `/api/employees/${carolEmployeeId}`, { token: tokens.admin, body }),
        400,
        'invalid_request',
        name,
      );
      assertProblem(
        await send(target, 'POST', '/api/users-sessions', { body }),
        400,
        'invalid_request',
        `login: ${name}`,
      );
    }
  });

  it('an overlong URL is 414 uri_too_long', async () => {
    assertProblem(
      await send(target, 'GET', `/api/payments?employee_id=${'a'.repeat(9_000)}`, { token: tokens.admin }),
      414,
      'uri_too_long',
    );
  });

  it("an over-long id in the path is 400 invalid_request, past the router's limit (128) as below it", async () => {
    for (const length of [65, 128, 129, 200, 4_000]) {
      assertProblem(
        await send(target, 'GET', `/api/employees/${'a'.repeat(length)}`, { token: tokens.admin }),
        400,
        'invalid_request',
        `id of ${length}`,
      );
      assertProblem(
        await send(target, 'POST', `/api/payments/${'a'.repeat(length)}/reversal`, {
          token: tokens.admin,
          body: {},
          headers: { 'idempotency-key': randomUUID() },
        }),
        400,
        'invalid_request',
        `reversal id of ${length}`,
      );
    }
  });

  it('writes per user are limited (default 120/min): the 121st is 429 with Retry-After, other users unaffected', async () => {
    const created = await send(target, 'POST', '/api/users', {
      token: tokens.admin,
      body: { username: 'eve', password: 'eve has a long passphrase', role: 'admin' },
    });
    assert.equal(created.status, 201, created.text);
    const eve = await send(target, 'POST', '/api/users-sessions', {
      body: { username: 'eve', password: 'eve has a long passphrase' },
    });
    const token = eve.json<{ access_token: string }>().access_token;
    // Authenticated, valid writes that change nothing (the employee does not exist): 404 each.
    const write = (as: string) =>
      send(target, 'PATCH', `/api/employees/${randomUUID()}`, { token: as, body: { title: 'x' } });
    for (let i = 1; i <= 120; i += 1) assertProblem(await write(token), 404, 'not_found', `write ${i}`);
    const limited = await write(token);
    assertProblem(limited, 429, 'too_many_requests', 'write 121');
    const retryAfter = Number(limited.headers['retry-after']);
    assert.ok(
      Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60,
      `Retry-After ${String(limited.headers['retry-after'])}`,
    );
    assertProblem(await write(tokens.admin), 404, 'not_found', "alice is not limited by eve's writes");
    assert.equal(
      (await send(target, 'GET', '/api/employees?limit=1', { token })).status,
      200,
      'reads are not write-limited',
    );
  });

  it('the server is still healthy', () => target.assertHealthy());
});

describe('API5 broken function level authorisation', () => {
  const adminOnly = (): Array<[string, string, unknown?, Record<string, string>?]> => [
    [
      'POST',
      '/api/employees',
      {
        name: 'Mara Jensen',
        email: 'mara.fla@example.com',
        department: 'Eng',
        title: 'SRE',
        salary_cents: 1,
        currency: 'EUR',
        bank_account: 'GB82 WEST 1234 5698 7654 32',
        hired_on: '2026-11-02',
      },
    ],
    ['PATCH', `/api/employees/${carolEmployeeId}`, { salary_cents: 99_000_000 }],
    ['PATCH', `/api/employees/${other.id}`, { bank_account: 'GB82 WEST 1234 5698 7654 32' }],
    [
      'POST',
      '/api/payments',
      { employee_id: carolEmployeeId, amount_cents: 1_000_000, currency: 'EUR', period: '2026-12' },
      { 'idempotency-key': randomUUID() },
    ],
    ['POST', `/api/payments/${carolPayment.id}/reversal`, {}, { 'idempotency-key': randomUUID() }],
    ['GET', '/api/users'],
    ['POST', '/api/users', { username: 'mallory5', password: 'a long enough passphrase', role: 'admin' }],
    ['PATCH', `/api/users/${carolUserId}`, { role: 'admin' }],
    ['GET', '/api/sessions'],
    ['GET', `/api/sessions?user_id=${carolUserId}`],
    ['DELETE', `/api/sessions/${String(target.claimsOf(tokens.admin).sid)}`],
    ['DELETE', `/api/users/${String(target.claimsOf(tokens.admin).sub)}/sessions`],
    ['GET', '/api/keys'],
    ['POST', '/api/keys/rotate', { now: true, revoke_current: true }],
    ['GET', '/api/audit-events'],
  ];

  it('clerk and employee on every admin-only route: 403 forbidden, error="insufficient_scope"', async () => {
    for (const role of ['clerk', 'employee'] as const) {
      for (const [method, path, body, headers] of adminOnly()) {
        const answer = await send(target, method, path, { token: tokens[role], body, headers });
        assertProblem(answer, 403, 'forbidden', `${role} ${method} ${path}`);
        // Payroll's writes name the permission they need (contract §15.8); the admin API's do not.
        const needs =
          path.startsWith('/api/employees') || path.startsWith('/api/payments') ? ', scope="payroll:write"' : '';
        assert.equal(
          answer.headers['www-authenticate'],
          `Bearer realm="bulwark", error="insufficient_scope"${needs}`,
          `${role} ${method} ${path}`,
        );
      }
    }
  });

  it('no token on every admin-only and payroll route: 401 invalid_token', async () => {
    const routes = [
      ...adminOnly(),
      ['GET', '/api/employees'],
      ['GET', `/api/employees/${carolEmployeeId}`],
      ['GET', '/api/payments'],
      ['GET', `/api/payments/${carolPayment.id}`],
      ['GET', '/api/users/me'],
      ['DELETE', '/api/users-sessions/current'],
    ] as Array<[string, string, unknown?, Record<string, string>?]>;
    for (const [method, path, body, headers] of routes) {
      // No bearer credential: the challenge carries no error code (RFC 6750 §3, issue #12).
      assertNoBearerCredential(await send(target, method, path, { body, headers }), `${method} ${path}`);
      assertNoBearerCredential(
        await send(target, method, path, { body, headers: { ...headers, authorization: 'Basic YWxpY2U6YWxpY2U=' } }),
        `Basic ${method} ${path}`,
      );
    }
  });

  it("the refused calls changed nothing: the admin's session and key work, carol is still an employee, nothing paid", async () => {
    assert.equal(
      (await send(target, 'GET', '/api/keys', { token: tokens.admin })).status,
      200,
      'the admin session was not revoked',
    );
    const jwks = (await (await fetch(`${target.url}/.well-known/jwks.json`)).json()) as {
      keys: Array<{ kid: string }>;
    };
    assert.deepEqual(
      jwks.keys.map((k) => k.kid),
      [target.kid],
      'no rotation happened',
    );
    const carolUser = (await get<Page<{ id: string; role: string }>>(tokens.admin, '/api/users?limit=100')).items.find(
      (u) => u.id === carolUserId,
    );
    assert.equal(carolUser?.role, 'employee');
    const carolRecord = await get<Employee>(tokens.admin, `/api/employees/${carolEmployeeId}`);
    assert.notEqual(carolRecord.salary_cents, 99_000_000);
    const payment = await get<Payment>(tokens.admin, `/api/payments/${carolPayment.id}`);
    assert.equal(payment.reversed_by_payment_id, null);
    const all = await get<Page<Payment>>(tokens.admin, '/api/payments?limit=100');
    assert.ok(
      !all.items.some(
        (p) =>
          p.employee_id === carolEmployeeId &&
          p.kind === 'payment' &&
          p.created_at > new Date(Date.now() - 60_000).toISOString() &&
          !payments.some((q) => q.id === p.id),
      ),
      'no new payment to carol',
    );
  });

  it('the server is still healthy', () => target.assertHealthy());
});
