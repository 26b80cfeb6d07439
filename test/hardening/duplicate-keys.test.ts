import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { jsonShapeProblem } from '../../src/http/request-limits.js';
import { bearer, problemOf } from '../helpers/harness.js';
import { employeeBody, idem, paymentBody, payrollFixture, type PayrollFixture } from '../payroll/fixture.js';

/** A JSON object text from name/value pairs, in order, repeats kept (JSON.stringify cannot write one). */
function members(pairs: [string, unknown][]): string {
  return `{${pairs.map(([name, value]) => `${JSON.stringify(name)}:${JSON.stringify(value)}`).join(',')}}`;
}

describe('duplicate JSON member names: 400 invalid_request on every JSON endpoint, nothing done', () => {
  let f: PayrollFixture;
  let base: string;
  before(async () => {
    f = await payrollFixture();
    await f.h.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(f.h.app.server.address() as { port: number }).port}`;
  });
  after(() => f.close());

  it('a payment naming amount_cents twice is refused over HTTP and pays nothing', async () => {
    const before = await f.paymentCount();
    const body = paymentBody(f.carol.id);
    const text = members([
      ['amount_cents', 100],
      ...Object.entries(body).filter(([k]) => k !== 'amount_cents'),
      ['amount_cents', 99_999_900],
    ]);
    const response = await fetch(`${base}/api/payments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(f.tokens.admin), ...idem() },
      body: text,
    });
    assert.equal(response.status, 400);
    assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/);
    const problem = (await response.json()) as { code: string; detail: string };
    assert.equal(problem.code, 'invalid_request');
    assert.match(problem.detail, /"amount_cents" twice/);
    assert.equal(await f.paymentCount(), before);
    assert.ok(!(await f.allPayments()).some((p) => p.amountCents === 99_999_900 || p.amountCents === 100));
    // The same body without the repeat is paid (the refusal is the repeat's, not the body's).
    const once = await fetch(`${base}/api/payments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(f.tokens.admin), ...idem() },
      body: JSON.stringify(body),
    });
    assert.equal(once.status, 201);
    assert.equal(await f.paymentCount(), before + 1);
  });

  it('escaped spellings of one name are the same name; nested objects are checked at any depth', async () => {
    const before = await f.paymentCount();
    const body = paymentBody(f.carol.id);
    const escaped = JSON.stringify(body).replace(/}$/, ',"amount\\u005fcents":1}');
    const response = await f.as('admin', {
      method: 'POST',
      url: '/api/payments',
      headers: { 'content-type': 'application/json', ...idem() },
      payload: escaped,
    });
    assert.equal(response.statusCode, 400);
    assert.equal(problemOf(response).code, 'invalid_request');
    assert.equal(await f.paymentCount(), before);
    assert.match(jsonShapeProblem('{"a":{"b":[{"c":1,"d":{"e":1,"e":2}}]}}') ?? '', /"e" twice/);
  });

  it('every JSON route refuses a repeat before validation or authentication: login, employees, a PATCH', async () => {
    const login = await f.h.app.inject({
      method: 'POST',
      url: '/api/users-sessions',
      headers: { 'content-type': 'application/json' },
      payload: members([
        ['username', 'mallory'],
        ['username', 'alice'],
        ['password', 'alice-Correct-Horse-42'],
      ]),
    });
    assert.equal(login.statusCode, 400);
    assert.equal(problemOf(login).code, 'invalid_request');
    const employees = await f.employeeCount();
    const created = await f.as('admin', {
      method: 'POST',
      url: '/api/employees',
      headers: { 'content-type': 'application/json' },
      payload: members([...Object.entries(employeeBody()), ['salary_cents', 1]]),
    });
    assert.equal(created.statusCode, 400);
    assert.equal(await f.employeeCount(), employees);
    const patched = await f.as('admin', {
      method: 'PATCH',
      url: `/api/employees/${f.other.id}`,
      headers: { 'content-type': 'application/json' },
      payload: members([
        ['title', 'A'],
        ['title', 'B'],
      ]),
    });
    assert.equal(patched.statusCode, 400);
    assert.equal(problemOf(patched).code, 'invalid_request');
    assert.equal((await f.findEmployee(f.other.id))?.title, f.other.title);
  });

  it('equal names in different objects, and equal strings as values or in arrays, are fine', () => {
    assert.equal(jsonShapeProblem('{"a":{"b":1},"b":{"a":1},"c":[{"x":1},{"x":2}],"d":["a","a"],"e":"a"}'), undefined);
    assert.equal(jsonShapeProblem('{"a\\"":1,"a":2,"a\\\\":3,"s":"\\"a\\":"}'), undefined);
    assert.match(jsonShapeProblem('{"s":"\\\\","t":{"u":1,"u":2}}') ?? '', /"u" twice/);
    // A name that is not short and plain is not echoed.
    assert.equal(
      jsonShapeProblem('{"<b>x</b>":1,"<b>x</b>":2}'),
      'The request body names a member twice in one object.',
    );
  });

  it('the scan finds a repeat exactly when one object names a member twice (property, against the decoded names)', () => {
    type Text = { text: string; repeats: boolean };
    // Names that collide only once decoded, or hold the characters the scan must skip.
    const name = fc.constantFrom('a', 'b', '\\u0061', 'a\\"', '\\\\', 'x:y', '{', ',', '\u00e9', '\\u00e9');
    const { value } = fc.letrec<{ value: Text; array: Text; object: Text }>((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.constantFrom('1', '"s\\"}"', 'null', '"\\\\"', '"[{"').map((text) => ({ text, repeats: false })),
        tie('array'),
        tie('object'),
      ),
      array: fc
        .array(tie('value'), { maxLength: 3 })
        .map((items) => ({ text: `[${items.map((i) => i.text).join(', ')}]`, repeats: items.some((i) => i.repeats) })),
      object: fc.array(fc.tuple(name, tie('value')), { maxLength: 4 }).map((members) => {
        const decoded = members.map(([n]) => JSON.parse(`"${n}"`) as string);
        return {
          text: `{${members.map(([n, v]) => `"${n}" : ${v.text}`).join(',')}}`,
          repeats: new Set(decoded).size < decoded.length || members.some(([, v]) => v.repeats),
        };
      }),
    }));
    fc.assert(
      fc.property(value, ({ text, repeats }) => {
        JSON.parse(text);
        assert.equal(jsonShapeProblem(text) !== undefined, repeats, text);
      }),
      { numRuns: 3_000 },
    );
  });

  it("prototype-poisoning names stay refused; malformed text is still the parser's 400", async () => {
    for (const payload of [
      '{"__proto__":{"admin":true},"username":"a","password":"b"}',
      '{"constructor":{"prototype":{}},"username":"a","password":"b"}',
      '{"username":"a","password":',
    ]) {
      const response = await f.h.app.inject({
        method: 'POST',
        url: '/api/users-sessions',
        headers: { 'content-type': 'application/json' },
        payload,
      });
      assert.equal(response.statusCode, 400, payload);
      assert.equal(problemOf(response).code, 'invalid_request');
    }
  });
});
