import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/store/open.js';

/**
 * The SET feed's store calls beside a large event log, in process:
 * `node --import tsx bench/ssf-log.ts [events] [settle-ms|default] [postgres-url]`.
 * One stream acknowledges every event, batch by batch, as a receiver would; another has
 * acknowledged none. Then the milliseconds of one poll's read (`pending`, 101 events) for each,
 * and of the wake-up marker (`changeMarker`). `settle-ms` is what the acknowledgements pass as
 * their settling time: 0 is the log as it stands once its events are older than the settling
 * time, `default` the store's own (every event here was written within it). On a fresh SQLite
 * file, or on Postgres when a URL is given (use a database of its own: the tables are made there).
 */
const events = Number(process.argv[2] ?? 100_000);
const settleArg = process.argv[3] ?? '0';
const settleMs = settleArg === 'default' ? undefined : Number(settleArg);
const url = process.argv[4];
const dataDir = mkdtempSync(join(tmpdir(), 'bulwark-ssf-'));
const store = await openStore({ databaseUrl: url, dataDir });
try {
  const log = store.securityEvents;
  const now = Date.now();
  const newStream = async () => {
    const stream = { id: randomUUID(), clientId: 'bench', createdAt: now, lastPolledAt: now };
    await log.createStream(stream);
    return stream;
  };
  const reader = await newStream();
  const fresh = await newStream();
  for (let i = 0; i < events; i += 1000) {
    const batch = Array.from({ length: Math.min(1000, events - i) }, (_, j) =>
      log.append({
        id: randomUUID(),
        kind: 'sid',
        subject: randomUUID(),
        reason: 'logout',
        occurredAt: now - events + i + j,
        expiresAt: now + 3_600_000,
      }),
    );
    await Promise.all(batch);
  }
  for (;;) {
    const batch = await log.pending(reader.id, Date.now(), 1000);
    if (batch.length === 0) break;
    await log.acknowledge(
      reader.id,
      batch.map((e) => e.id),
      Date.now(),
      settleMs,
    );
  }
  const time = async (label: string, call: () => Promise<unknown>) => {
    for (let i = 0; i < 3; i++) await call();
    const start = performance.now();
    const calls = 20;
    for (let i = 0; i < calls; i++) await call();
    console.log(`  ${label}: ${((performance.now() - start) / calls).toFixed(3)} ms`);
  };
  console.log(`${store.kind}, ${events} live events, settling time ${settleArg}:`);
  await time('pending, a stream that acknowledged them all', () => log.pending(reader.id, Date.now(), 101));
  await time('pending, a stream that acknowledged none', () => log.pending(fresh.id, Date.now(), 101));
  await time('changeMarker', () => log.changeMarker());
} finally {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
}
