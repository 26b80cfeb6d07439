import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openStore } from '../../src/store/index.js';
import { runCli } from '../helpers/process.js';

describe('bulwark apis | roles | users grant/ungrant (the registry from the CLI)', () => {
  let dataDir: string;
  let env: Record<string, string>;
  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'bulwark-cli-registry-'));
    env = { BULWARK_DATA_DIR: dataDir, BULWARK_DEMO: '0' };
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  const ok = async (args: string[], stdin?: string) => {
    const result = await runCli(args, env, stdin);
    assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  };

  it('registers an API, a role on it, grants it to a user and takes it back, each change audited', async () => {
    await ok(
      ['users', 'add', '--username', 'dana', '--role', 'clerk', '--password-stdin'],
      'a long enough passphrase\n',
    );
    const api = JSON.parse(
      await ok([
        'apis',
        'add',
        'https://inventory.example',
        '--name',
        'Inventory',
        '--permission',
        'stock:read=Read stock',
        '--permission',
        'stock:write',
        '--ttl',
        '300',
        '--claim',
        'department',
        '--json',
      ]),
    ) as { identifier: string; permissions: Array<{ name: string; description: string }>; access_token_ttl: number };
    assert.deepEqual(api.permissions, [
      { name: 'stock:read', description: 'Read stock' },
      { name: 'stock:write', description: '' },
    ]);
    assert.equal(api.access_token_ttl, 300);
    assert.match(await ok(['apis', 'list']), /https:\/\/inventory\.example\s+Inventory\s+stock:read stock:write\s+300/);

    const role = JSON.parse(
      await ok([
        'roles',
        'add',
        'stock-reader',
        '--api',
        'https://inventory.example',
        '--permission',
        'stock:read',
        '--json',
      ]),
    ) as { permissions: unknown };
    assert.deepEqual(role.permissions, [{ api: 'https://inventory.example', permission: 'stock:read' }]);
    assert.equal((await ok(['users', 'grant', 'dana', 'stock-reader'])).trim(), 'dana: clerk stock-reader');

    const inUse = await runCli(['apis', 'remove', 'https://inventory.example'], env);
    assert.equal(inUse.code, 1);
    assert.match(inUse.stderr, /^bulwark: 1 role\(s\) and 0 client\(s\) still hold permissions of this API/);
    const unknown = await runCli(['users', 'grant', 'dana', 'nobody'], env);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /No role is named "nobody"/);
    const badUsage = await runCli(['roles', 'add', 'x', '--permission', 'stock:read'], env);
    assert.equal(badUsage.code, 2);

    assert.equal((await ok(['users', 'ungrant', 'dana', 'stock-reader'])).trim(), 'dana: clerk');
    await ok(['roles', 'remove', 'stock-reader']);
    await ok(['apis', 'remove', 'https://inventory.example']);
    assert.doesNotMatch(await ok(['apis', 'list']), /inventory/);

    const store = await openStore({ dataDir, migrate: false });
    try {
      const types = (await store.audit.list({}, { limit: 100 })).items.map((e) => e.type);
      for (const type of ['api.created', 'role.created', 'user.roles_changed', 'role.deleted', 'api.deleted'])
        assert.ok(types.includes(type), `${type} audited`);
    } finally {
      await store.close();
    }
  });
});
