import { parseArgs } from 'node:util';
import { table, withServices } from './context.js';
import { UsageError } from './usage.js';

const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString());

export async function keysCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === 'list') {
    const { values } = parseArgs({ args: rest, options: { json: { type: 'boolean' } }, strict: true });
    const keys = await withServices((s) => s.keys.list());
    if (values.json === true) return console.log(JSON.stringify(keys, null, 2));
    console.log(table([['KID', 'ALG', 'STATE', 'CREATED', 'ACTIVATED', 'RETIRED'], ...keys.map((k) => [k.kid, k.alg, k.state, iso(k.createdAt), iso(k.activatedAt), iso(k.retiredAt)])]));
    return;
  }
  if (sub === 'rotate') {
    parseArgs({ args: rest, options: {}, strict: true });
    const key = await withServices(async (s) => {
      const rotated = await s.keys.rotate();
      await s.audit.record('key.rotated', { targetId: rotated.kid, details: { via: 'cli' } });
      return rotated;
    });
    console.log(`new active key ${key.kid} (${key.alg}); the previous key verifies until its tokens expire`);
    return;
  }
  throw new UsageError(`unknown keys command "${sub ?? ''}" (list, rotate)`);
}
