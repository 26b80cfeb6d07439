import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { DEFAULT_REVOCATION_CHANNEL } from '../../src/auth/revocation/revocation-feed-redis.js';
import { decodeRevocation } from '../../src/auth/revocation/revocation-feed.js';
import type { RevocationRecord } from '../../src/store/types.js';
import { runCli } from '../helpers/process.js';
import { REDIS_URL, SKIP_REDIS, until } from './helpers.js';

if (SKIP_REDIS !== false) it('bulwark revoke publishes on Redis', { skip: SKIP_REDIS }, () => undefined);

/** The CLI writes the store and then announces the revocation on the instances' channel. */
describe('bulwark revoke publishes on Redis', { skip: SKIP_REDIS }, () => {
  let dataDir: string;
  let subscriber: Redis;
  const heard: RevocationRecord[] = [];
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'bulwark-cli-publish-'));
    subscriber = new Redis(REDIS_URL as string);
    subscriber.on('message', (_channel: string, message: string) => {
      const entry = decodeRevocation(message);
      if (entry !== undefined) heard.push(entry);
    });
    await subscriber.subscribe(DEFAULT_REVOCATION_CHANNEL);
  });
  after(async () => {
    await subscriber.quit();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('revoke --jti reaches subscribers of the revocation channel', async () => {
    const jti = `cli-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const result = await runCli(['revoke', '--jti', jti], {
      BULWARK_DATA_DIR: dataDir,
      BULWARK_DEMO: '0',
      BULWARK_REDIS_URL: REDIS_URL as string,
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`revoked token ${jti}`));
    assert.equal(result.stderr, '');
    await until(
      () => heard.some((entry) => entry.kind === 'jti' && entry.value === jti),
      2_000,
      'the revocation on the channel',
    );
  });

  it('with Redis unreachable the revocation still succeeds, with a warning that names no secret', async () => {
    const result = await runCli(['revoke', '--jti', 'cli-unreachable'], {
      BULWARK_DATA_DIR: dataDir,
      BULWARK_DEMO: '0',
      BULWARK_REDIS_URL: 'redis://:hunter2-redis-password@127.0.0.1:1',
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /revoked token cli-unreachable/);
    assert.match(result.stderr, /revocation publish failed; instances get it from the store within 2 s/);
    assert.match(result.stderr, /redis=127\.0\.0\.1:1\b/);
    assert.doesNotMatch(result.stderr, /hunter2/);
  });
});
