import Database from 'better-sqlite3';
import pg from 'pg';
import { load, type Load } from './routes.js';
import { startBulwark, type BulwarkProcess } from './processes.js';

/**
 * GET /api/payments as the table grows: Bulwark's real server on a payments table topped up to
 * each size, the first page and a page in the middle (keyset cursor) loaded like the route
 * benchmark, and the plan of the list query (EXPLAIN) at each size. On SQLite always; on
 * Postgres when BENCH_DATABASE_URL names one (a schema of its own is created and dropped).
 */
export interface GrowthRow {
  engine: string;
  rows: number;
  page: string;
  load: Load;
}
export interface Plan {
  engine: string;
  rows: number;
  page: string;
  plan: string;
}

const LIST_FIRST = 'select * from "payments" order by "created_at" asc, "id" asc limit 21';
/** The SQL the list compiles to (src/payroll/payments/payments-repo.ts), for EXPLAIN. */
const LIST_AFTER = (at: number, id: string, param: (i: number) => string) =>
  [
    `select * from "payments" where ("created_at", "id") > (${param(1)}, ${param(2)}) order by "created_at" asc, "id" asc limit 21`,
    [at, id],
  ] as const;
const BASE_MS = Date.parse('2027-01-01T00:00:00Z');

export async function benchPaymentsGrowth(
  sizes: number[],
  seconds: number,
  log: (line: string) => void,
): Promise<{ rows: GrowthRow[]; plans: Plan[] }> {
  const rows: GrowthRow[] = [];
  const plans: Plan[] = [];
  await onEngine('SQLite', sizes, seconds, rows, plans, log, sqliteTable);
  const url = process.env.BENCH_DATABASE_URL;
  if (url !== undefined && url !== '') await onEngine('Postgres', sizes, seconds, rows, plans, log, postgresTable);
  return { rows, plans };
}

interface Table {
  /** Adds payments up to `total` (after the demo seed's), returns the middle row's sort key. */
  growTo(total: number): Promise<[number, string]>;
  explain(sql: string, params: readonly unknown[]): Promise<string>;
  env: Record<string, string>;
  close(): Promise<void>;
}

async function onEngine(
  engine: string,
  sizes: number[],
  seconds: number,
  rows: GrowthRow[],
  plans: Plan[],
  log: (line: string) => void,
  open: (bulwark: BulwarkProcess) => Promise<Table>,
): Promise<void> {
  // A first start makes the schema and the demo company; the table is then filled beside it.
  const seeded = await startBulwark(engine === 'Postgres' ? await postgresEnv() : {});
  await seeded.stop({ keepData: true }); // the data dir keeps the master key the signing key is sealed with
  const table = await open(seeded);
  try {
    for (const size of sizes) {
      const middle = await table.growTo(size);
      const bulwark = await startBulwark({ ...table.env, BULWARK_DATA_DIR: seeded.dataDir });
      try {
        const headers = { authorization: `Bearer ${bulwark.token}` };
        const cursor = Buffer.from(JSON.stringify(middle)).toString('base64url');
        for (const [page, path] of [
          ['first page', '/api/payments?limit=20'],
          ['middle page (cursor)', `/api/payments?limit=20&cursor=${cursor}`],
        ] as const) {
          const probe = await fetch(`${bulwark.url}${path}`, { headers });
          if (probe.status !== 200) throw new Error(`${engine} ${path}: ${probe.status} ${await probe.text()}`);
          await load(`${bulwark.url}${path}`, headers, 2);
          const result = await load(`${bulwark.url}${path}`, headers, seconds);
          rows.push({ engine, rows: size, page, load: result });
          log(
            `  ${engine} ${size.toLocaleString('en-US').padStart(9)} payments, ${page.padEnd(20)} ${Math.round(result.requestsPerSec)} req/s p50 ${result.p50Ms} ms p99 ${result.p99Ms} ms`,
          );
        }
      } finally {
        await bulwark.stop();
      }
      const param = engine === 'Postgres' ? (i: number) => `$${i}` : () => '?';
      const [sql, params] = LIST_AFTER(middle[0], middle[1], param);
      plans.push({ engine, rows: size, page: 'first page', plan: await table.explain(LIST_FIRST, []) });
      plans.push({ engine, rows: size, page: 'middle page (cursor)', plan: await table.explain(sql, params) });
    }
  } finally {
    await table.close();
    await seeded.stop();
  }
}

async function sqliteTable(bulwark: BulwarkProcess): Promise<Table> {
  const db = new Database(bulwark.dbFile);
  db.pragma('journal_mode = WAL');
  const employees = (db.prepare('select id from employees').all() as Array<{ id: string }>).map((e) => e.id);
  const seededCount = (db.prepare('select count(*) as n from payments').get() as { n: number }).n;
  const insert = db.prepare(
    "insert into payments (id, employee_id, amount_cents, currency, period, kind, memo, created_by, created_at) values (?, ?, ?, 'EUR', ?, 'payment', 'bench', 'bench', ?)",
  );
  let added = 0;
  return {
    env: {},
    async growTo(total) {
      const fill = db.transaction((until: number) => {
        for (; added < until; added++)
          insert.run(
            benchId(added),
            employees[added % employees.length],
            100_000 + (added % 997),
            periodOf(added),
            BASE_MS + added * 1000,
          );
      });
      fill(total - seededCount);
      db.exec('analyze');
      // Fold the bulk insert into the database file: left in the WAL, every read of the server
      // would look its pages up there first (a bench artefact, not what a running server sees).
      db.pragma('wal_checkpoint(TRUNCATE)');
      const middle = Math.floor(added / 2);
      return [BASE_MS + middle * 1000, benchId(middle)];
    },
    async explain(sql, params) {
      return (db.prepare(`explain query plan ${sql}`).all(...params) as Array<{ detail: string }>)
        .map((r) => r.detail)
        .join('; ');
    },
    async close() {
      db.close();
    },
  };
}

let pgSchema: string | undefined;
async function postgresEnv(): Promise<Record<string, string>> {
  pgSchema = `bench_${Date.now().toString(36)}`;
  await adminQuery(`create schema ${pgSchema}`);
  return { BULWARK_DATABASE_URL: schemaUrl(pgSchema) };
}

async function postgresTable(): Promise<Table> {
  const schema = pgSchema as string;
  const client = new pg.Client({ connectionString: schemaUrl(schema) });
  await client.connect();
  const seededCount = Number((await client.query('select count(*) as n from payments')).rows[0].n);
  let added = 0;
  return {
    env: { BULWARK_DATABASE_URL: schemaUrl(schema) },
    async growTo(total) {
      const until = total - seededCount;
      await client.query(
        `insert into payments (id, employee_id, amount_cents, currency, period, kind, memo, created_by, created_at)
        select 'bench-' || lpad(g::text, 9, '0'), (select array_agg(id order by id) from employees)[1 + g % (select count(*) from employees)],
               100000 + g % 997, 'EUR', '2027-' || lpad((1 + g % 12)::text, 2, '0'), 'payment', 'bench', 'bench', $1::bigint + g * 1000
        from generate_series($2::int, $3::int - 1) as g`,
        [BASE_MS, added, until],
      );
      added = until;
      await client.query('analyze payments');
      const middle = Math.floor(added / 2);
      return [BASE_MS + middle * 1000, benchId(middle)];
    },
    async explain(sql, params) {
      const result = await client.query(`explain ${sql}`, [...params]);
      return result.rows.map((r: Record<string, string>) => (r['QUERY PLAN'] ?? '').trim()).join('; ');
    },
    async close() {
      await client.end();
      await adminQuery(`drop schema if exists ${schema} cascade`);
    },
  };
}

function schemaUrl(schema: string): string {
  const url = new URL(process.env.BENCH_DATABASE_URL ?? '');
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: process.env.BENCH_DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const benchId = (i: number) => `bench-${String(i).padStart(9, '0')}`;
const periodOf = (i: number) => `2027-${String(1 + (i % 12)).padStart(2, '0')}`;
