import { parseArgs } from 'node:util';
import type { KeyInfo } from '../auth/keys/key-info.js';
import { withKeyAdmin } from '../compose/cli.js';
import { table } from './context.js';
import { UsageError } from './usage.js';

const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString());

function outcome(key: KeyInfo, revoked: boolean, first: boolean): string {
  if (first) return `first signing key ${key.kid} (${key.alg}) is active`;
  if (key.state === 'next') {
    return `new next key ${key.kid} (${key.alg}): published in the JWKS now, signs from ${iso(key.signsFrom)} (servers promote it on their key upkeep)`;
  }
  const previous = revoked
    ? 'the previous key is removed and stops verifying'
    : 'the previous key verifies until its tokens expire';
  return `new active key ${key.kid} (${key.alg}); ${previous}; running servers pick it up within seconds (key upkeep)`;
}

export async function keysCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === 'list') {
    const { values } = parseArgs({ args: rest, options: { json: { type: 'boolean' } }, strict: true });
    const keys = await withKeyAdmin('read', (s) => s.keys.list());
    if (values.json === true) return console.log(JSON.stringify(keys, null, 2));
    const header = ['KID', 'ALG', 'STATE', 'CREATED', 'ACTIVATED', 'RETIRED', 'REMOVED', 'SIGNS FROM'];
    console.log(
      table([
        header,
        ...keys.map((k) => [
          k.kid,
          k.alg,
          k.state,
          iso(k.createdAt),
          iso(k.activatedAt),
          iso(k.retiredAt),
          iso(k.removedAt),
          iso(k.signsFrom),
        ]),
      ]),
    );
    return;
  }
  if (sub === 'rotate') {
    const { values } = parseArgs({
      args: rest,
      options: { now: { type: 'boolean' }, 'revoke-current': { type: 'boolean' }, 'switch-alg': { type: 'boolean' } },
      strict: true,
    });
    const now = values.now === true;
    const revokeCurrent = values['revoke-current'] === true;
    const switchAlg = values['switch-alg'] === true;
    if (revokeCurrent && !now)
      throw new UsageError('--revoke-current needs --now (keys rotate --now --revoke-current)');
    const key = await withKeyAdmin('write', async (s) => {
      const previous = (await s.keys.list()).find((k) => k.state === 'active');
      const rotated = await s.keys.rotate({ now, revokeCurrent, switchAlg });
      const mode = revokeCurrent ? 'now_revoke_current' : now ? 'now' : 'next';
      const algChange =
        previous !== undefined && previous.alg !== rotated.alg ? { from_alg: previous.alg, to_alg: rotated.alg } : {};
      await s.audit.record('key.rotated', { targetId: rotated.kid, details: { via: 'cli', mode, ...algChange } });
      return {
        rotated,
        first: previous === undefined,
        algChanged: previous !== undefined && previous.alg !== rotated.alg,
      };
    });
    console.log(outcome(key.rotated, revokeCurrent, key.first));
    if (key.algChanged) {
      console.log(
        `the new key is ${key.rotated.alg}: start every instance with BULWARK_SIGNING_ALG=${key.rotated.alg} from now on (a start under another setting is refused)`,
      );
    }
    return;
  }
  throw new UsageError(`unknown keys command "${sub ?? ''}" (list, rotate [--now [--revoke-current]] [--switch-alg])`);
}
