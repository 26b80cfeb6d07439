import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/process.js';

describe('bulwark CLI (CONTRACT §1)', () => {
  let dataDir: string;
  let env: Record<string, string>;
  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'bulwark-cli-'));
    env = { BULWARK_DATA_DIR: dataDir, BULWARK_DEMO: '0' };
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('a listing on a data dir nothing has used yet writes nothing and says what to do', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'bulwark-cli-fresh-'));
    try {
      for (const args of [
        ['users', 'list'],
        ['keys', 'list'],
      ]) {
        const result = await runCli(args, { BULWARK_DATA_DIR: fresh });
        assert.equal(result.code, 1);
        assert.match(result.stderr, /^bulwark: no database at .*bulwark\.db: start the server once/);
      }
      assert.deepEqual(readdirSync(fresh), []);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  it('without a command prints usage and exits 2; an unknown command exits 2 with one line', async () => {
    const none = await runCli([], env);
    assert.equal(none.code, 2);
    assert.match(none.stdout, /Usage: bulwark/);
    const unknown = await runCli(['frobnicate'], env);
    assert.equal(unknown.code, 2);
    assert.equal(unknown.stderr, 'bulwark: unknown command "frobnicate" (run `bulwark help` for usage)\n');
    // A name every object inherits is not a command either (it once ran Object() and exited 0).
    const inherited = await runCli(['constructor'], env);
    assert.equal(inherited.code, 2);
    assert.equal(inherited.stderr, 'bulwark: unknown command "constructor" (run `bulwark help` for usage)\n');
  });

  it('users add reads the password from stdin, prints the id; list and disable work', async () => {
    const added = await runCli(
      ['users', 'add', '--username', 'Dave', '--role', 'clerk', '--password-stdin'],
      env,
      'a long enough passphrase\n',
    );
    assert.equal(added.code, 0, added.stderr);
    const id = added.stdout.trim();
    assert.match(id, /^[0-9a-f-]{36}$/);
    const listed = await runCli(['users', 'list', '--json'], env);
    assert.equal(listed.code, 0, listed.stderr);
    const users = JSON.parse(listed.stdout);
    assert.deepEqual(
      users.map((u: { id: string; username: string; role: string; disabled: boolean }) => [
        u.id,
        u.username,
        u.role,
        u.disabled,
      ]),
      [[id, 'dave', 'clerk', false]],
    );
    assert.ok(!listed.stdout.includes('argon2'));
    const table = await runCli(['users', 'list'], env);
    assert.match(table.stdout, /USERNAME/);
    assert.match(table.stdout, /dave\s+clerk/);
    const disabled = await runCli(['users', 'disable', 'dave'], env);
    assert.equal(disabled.code, 0, disabled.stderr);
    assert.equal(JSON.parse((await runCli(['users', 'list', '--json'], env)).stdout)[0].disabled, true);
  });

  it('users add fails with exit 1 on a duplicate or weak password, exit 2 on bad usage', async () => {
    const weak = await runCli(
      ['users', 'add', '--username', 'erin', '--role', 'clerk', '--password-stdin'],
      env,
      'short',
    );
    assert.equal(weak.code, 1);
    assert.equal(weak.stderr.trim().split('\n').length, 1);
    assert.ok(!weak.stderr.includes('short'));
    const noRole = await runCli(
      ['users', 'add', '--username', 'erin', '--password-stdin'],
      env,
      'long enough passphrase',
    );
    assert.equal(noRole.code, 2);
    const noStdin = await runCli(['users', 'add', '--username', 'erin', '--role', 'clerk'], env);
    assert.equal(noStdin.code, 2);
    const unknownFlag = await runCli(['users', 'list', '--yaml'], env);
    assert.equal(unknownFlag.code, 2);
    const missing = await runCli(['users', 'disable', 'nobody'], env);
    assert.equal(missing.code, 1);
  });

  it('keys list shows the active key; keys rotate makes a new one', async () => {
    // `users add` above created the database but no key: only key commands touch keys.
    const empty = await runCli(['keys', 'list', '--json'], env);
    assert.equal(empty.code, 0, empty.stderr);
    assert.deepEqual(JSON.parse(empty.stdout), []);
    const first = await runCli(['keys', 'rotate', '--now'], env);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /first signing key/);
    const before = JSON.parse((await runCli(['keys', 'list', '--json'], env)).stdout);
    assert.equal(before.filter((k: { state: string }) => k.state === 'active').length, 1);
    const rotated = await runCli(['keys', 'rotate'], env);
    assert.equal(rotated.code, 0, rotated.stderr);
    const keys = JSON.parse((await runCli(['keys', 'list', '--json'], env)).stdout);
    assert.equal(keys.length, before.length + 1);
    assert.equal(keys.filter((k: { state: string }) => k.state === 'active').length, 1);
    assert.ok(!JSON.stringify(keys).includes('privateKey'));
  });

  it('token decode shows header and claims and says it verified nothing', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'ES256', typ: 'at+jwt', kid: 'k1' })).toString('base64url');
    const claims = Buffer.from(JSON.stringify({ sub: 'u1', exp: 2_000_000_000 })).toString('base64url');
    const decoded = await runCli(['token', 'decode', `${header}.${claims}.c2ln`], env);
    assert.equal(decoded.code, 0, decoded.stderr);
    assert.match(decoded.stdout, /NOT VERIFIED/);
    assert.match(decoded.stdout, /"kid": "k1"/);
    assert.match(decoded.stdout, /exp: 2033-05-18T03:33:20.000Z/);
    const bad = await runCli(['token', 'decode', 'garbage'], env);
    assert.equal(bad.code, 1);
  });

  it('revoke needs exactly one target', async () => {
    assert.equal((await runCli(['revoke'], env)).code, 2);
    assert.equal((await runCli(['revoke', '--user', 'a', '--jti', 'b'], env)).code, 2);
    assert.equal((await runCli(['revoke', '--jti', 'abc'], env)).code, 0);
    assert.equal((await runCli(['revoke', '--session', 'no-such'], env)).code, 1);
  });

  it('bad configuration stops with one line naming the variable and exit 1', async () => {
    const result = await runCli(['serve'], { ...env, PORT: 'abc' });
    assert.equal(result.code, 1);
    assert.equal(result.stderr, 'bulwark: PORT: must be a whole number between 0 and 65535 (got "abc")\n');
  });
});
