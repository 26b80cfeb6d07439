import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/process.js';

interface ListedKey {
  kid: string;
  state: string;
  activatedAt: number | null;
  retiredAt: number | null;
  removedAt: number | null;
  signsFrom: number | null;
}

describe('bulwark keys rotate / list: the lifecycle from the CLI', () => {
  let dataDir: string;
  let env: Record<string, string>;
  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'bulwark-keys-cli-'));
    env = { BULWARK_DATA_DIR: dataDir, BULWARK_DEMO: '0' };
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  const list = async (): Promise<ListedKey[]> => {
    const result = await runCli(['keys', 'list', '--json'], env);
    assert.equal(result.code, 0, result.stderr);
    return JSON.parse(result.stdout) as ListedKey[];
  };

  it('rotate --now, rotate (next), rotate --now --revoke-current; list shows every state and date', async () => {
    const initial = await runCli(['keys', 'rotate', '--now'], env);
    assert.equal(initial.code, 0, initial.stderr);
    const [first] = await list();
    assert.equal(first?.state, 'active');

    const now = await runCli(['keys', 'rotate', '--now'], env);
    assert.equal(now.code, 0, now.stderr);
    let keys = await list();
    assert.equal(keys.find((k) => k.kid === first?.kid)?.state, 'retired');
    assert.ok(keys.find((k) => k.kid === first?.kid)?.retiredAt);
    const second = keys.find((k) => k.state === 'active');
    assert.ok(second && second.kid !== first?.kid && second.activatedAt !== null);

    const next = await runCli(['keys', 'rotate'], env);
    assert.equal(next.code, 0, next.stderr);
    assert.match(next.stdout, /next key .* signs from /);
    keys = await list();
    const pending = keys.find((k) => k.state === 'next');
    assert.ok(pending?.signsFrom, 'a next key says when it starts signing');
    assert.equal((await runCli(['keys', 'rotate'], env)).code, 1, 'a second next key is refused (409 conflict)');
    assert.equal((await runCli(['keys', 'rotate', '--revoke-current'], env)).code, 2, '--revoke-current needs --now');

    const emergency = await runCli(['keys', 'rotate', '--now', '--revoke-current'], env);
    assert.equal(emergency.code, 0, emergency.stderr);
    keys = await list();
    assert.equal(
      keys.find((k) => k.kid === pending?.kid)?.state,
      'active',
      'the published next key is the one promoted',
    );
    assert.equal(keys.find((k) => k.kid === second?.kid)?.state, 'removed');
    assert.ok(keys.find((k) => k.kid === second?.kid)?.removedAt);
    assert.equal(keys.filter((k) => k.state === 'active').length, 1);
    assert.ok(!JSON.stringify(keys).includes('privateKey'));

    const table = await runCli(['keys', 'list'], env);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /STATE.*REMOVED.*SIGNS FROM/);
    assert.match(table.stdout, /removed/);
  });
});
