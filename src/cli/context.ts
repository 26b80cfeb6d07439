import { createRedisRevocationPublisher, type FeedLogger } from '../auth/revocation-feed-redis.js';
import { createAuthServices, type AuthServices } from '../auth/services.js';
import { loadConfig } from '../config/index.js';
import { payrollMigrations } from '../payroll/index.js';
import { openStore } from '../store/index.js';

/** Warnings of the CLI's Redis publisher, on stderr (never the URL: it may carry a password). */
const stderrLogger: FeedLogger = {
  info: () => {},
  warn: (fields, msg) => console.error(`warning: ${msg} (${Object.entries(fields).map(([k, v]) => `${k}=${String(v)}`).join(' ')})`),
};

/**
 * Opens the configured store and services for one CLI command, and closes them after. With
 * BULWARK_REDIS_URL, revocations the command makes (revoke, users disable, role changes) are also
 * published, so running instances reject the tokens within milliseconds, not at their next sync.
 */
export async function withServices<T>(run: (services: AuthServices) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, migrations: payrollMigrations });
  const feed = config.redisUrl === undefined ? undefined : createRedisRevocationPublisher({ url: config.redisUrl, logger: stderrLogger });
  try {
    const services = await createAuthServices(config, store);
    if (feed !== undefined) services.revocations.attachFeed(feed);
    return await run(services);
  } finally {
    await feed?.close();
    await store.close();
  }
}

export async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new Error('--password-stdin expects the password on standard input (pipe it in)');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

export function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n');
}
