import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { totpCode } from '../../src/auth/mfa/totp.js';
import { demoPassword, runCli, startServe, type ServerProcess } from '../helpers/process.js';

const MAX_AGE = 30;

/** `bulwark serve` (built dist/) with BULWARK_PAYROLL_WRITES_REQUIRE_MFA=1 and a 30 s step-up age, over real HTTP. */
describe('bulwark serve: payroll writes need a recent second factor', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let server: ServerProcess;
  const secrets: string[] = [];
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'bulwark-mfa-e2e-'));
    env = {
      BULWARK_DATA_DIR: dataDir,
      BULWARK_PAYROLL_WRITES_REQUIRE_MFA: '1',
      BULWARK_STEP_UP_MAX_AGE: String(MAX_AGE),
    };
    server = await startServe(env);
  });
  after(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const call = async (
    method: string,
    path: string,
    body?: unknown,
    token?: string,
    extra: Record<string, string> = {},
  ) => {
    const headers: Record<string, string> = { ...extra };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      type: response.headers.get('content-type') ?? '',
      challenge: response.headers.get('www-authenticate'),
      body: (text === '' ? {} : JSON.parse(text)) as Record<string, unknown>,
    };
  };
  let payments = 0;
  const pay = (token: string, employeeId: string) =>
    call(
      'POST',
      '/api/payments',
      { employee_id: employeeId, amount_cents: 10_000, currency: 'EUR', period: '2026-11' },
      token,
      { 'idempotency-key': `mfa-e2e-${++payments}` },
    );
  const refusedForStepUp = (answer: Awaited<ReturnType<typeof call>>, description: string) => {
    assert.equal(answer.status, 401);
    assert.ok(answer.type.startsWith('application/problem+json'));
    assert.equal(answer.body.code, 'insufficient_user_authentication');
    assert.equal(
      answer.challenge,
      `Bearer realm="bulwark", error="insufficient_user_authentication", error_description="${description}", max_age=${MAX_AGE}`,
    );
  };

  it('an enrolled admin pays only after the second factor and only within the step-up age', async () => {
    // (The demo passwords themselves are printed once at first start, by contract.)
    const password = demoPassword(dataDir, 'alice');
    const first = await call('POST', '/api/users-sessions', { username: 'alice', password });
    assert.equal(first.status, 201);
    const passwordOnly = first.body.access_token as string;
    const employeeId = (
      (await call('GET', '/api/employees', undefined, passwordOnly)).body.items as Array<{ id: string }>
    )[0]?.id as string;
    refusedForStepUp(await pay(passwordOnly, employeeId), 'A different authentication level is required');

    const enrolment = await call('POST', '/api/users/me/mfa/totp', undefined, passwordOnly);
    assert.equal(enrolment.status, 201);
    const secret = enrolment.body.secret as string;
    const confirmed = await call(
      'POST',
      '/api/users/me/mfa/totp/confirm',
      { code: totpCode(secret, Date.now()) },
      passwordOnly,
    );
    assert.equal(confirmed.status, 200);
    secrets.push(secret, ...(confirmed.body.recovery_codes as string[]));
    refusedForStepUp(await pay(passwordOnly, employeeId), 'A different authentication level is required');

    const step = await call('POST', '/api/users-sessions', { username: 'alice', password });
    assert.equal(step.status, 401);
    assert.equal(step.body.code, 'mfa_required');
    const mfaToken = step.body.mfa_token as string;
    secrets.push(mfaToken);
    assert.equal(
      (await call('POST', '/api/users-sessions/mfa', { mfa_token: mfaToken, code: '000000' })).body.code,
      'invalid_mfa_code',
    );
    // The confirmation used this 30-second step: the next step's code (one step ahead is accepted).
    const code = totpCode(secret, Date.now() + 30_000);
    const done = await call('POST', '/api/users-sessions/mfa', { mfa_token: mfaToken, code });
    assert.equal(done.status, 201, JSON.stringify(done.body));
    const stepped = done.body.access_token as string;
    secrets.push(stepped, done.body.refresh_token as string);
    const loggedInAt = Date.now();
    assert.equal((await pay(stepped, employeeId)).status, 201);
    refusedForStepUp(await pay(passwordOnly, employeeId), 'A different authentication level is required');

    await sleep(Math.max(0, loggedInAt + (MAX_AGE + 2) * 1000 - Date.now()));
    refusedForStepUp(await pay(stepped, employeeId), 'More recent authentication is required');
  });

  it('admin commands from the CLI: reset-mfa, reset-password (one-time password), set-role, unlock, enable', async () => {
    const cli = (...args: string[]) => runCli(['users', ...args], env);
    const resetMfa = await cli('reset-mfa', 'alice');
    assert.equal(resetMfa.code, 0, resetMfa.stderr);
    assert.equal(
      (await call('POST', '/api/users-sessions', { username: 'alice', password: demoPassword(dataDir, 'alice') }))
        .status,
      201,
      'password only again',
    );

    const reset = await cli('reset-password', 'bob');
    assert.equal(reset.code, 0, reset.stderr);
    const oneTime = reset.stdout.trim();
    secrets.push(oneTime);
    const step = await call('POST', '/api/users-sessions', { username: 'bob', password: oneTime });
    assert.equal(step.body.code, 'password_change_required');
    secrets.push(step.body.password_change_token as string, 'Bobs-New-Passphrase-2026');
    const changed = await call('POST', '/api/users-sessions/password-change', {
      password_change_token: step.body.password_change_token,
      new_password: 'Bobs-New-Passphrase-2026',
    });
    assert.equal(changed.status, 201);

    assert.equal((await cli('set-role', 'bob', 'admin')).code, 0);
    assert.equal((await cli('set-role', 'bob', 'boss')).code, 2, 'bad usage');
    assert.equal((await cli('unlock', 'nobody-here')).code, 1);
    assert.equal((await cli('disable', 'carol')).code, 0);
    assert.equal((await cli('enable', 'carol')).code, 0);
    const listed = JSON.parse((await cli('list', '--json')).stdout) as Array<{
      username: string;
      role: string;
      disabled: boolean;
    }>;
    assert.deepEqual(
      listed
        .filter((u) => u.username !== 'alice')
        .map((u) => [u.username, u.role, u.disabled])
        .sort(),
      [
        ['bob', 'admin', false],
        ['carol', 'employee', false],
      ],
    );
    assert.equal((await cli('unlock', 'bob')).code, 0);
  });

  it('never writes a password, secret, code or token to the process output', () => {
    const output = server.output();
    for (const secret of secrets) assert.ok(!output.includes(secret), 'server output leaks a secret');
  });
});
