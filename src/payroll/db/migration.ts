import { sql, type Kysely, type Migration } from 'kysely';
import type { MigrationMap } from '../../store/index.js';

/**
 * Employees, payments and idempotency keys. Schema builder and portable types only (bigint ms
 * times, integer money, text for the rest), so the same migration runs on SQLite and Postgres.
 */
const payroll: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('employees')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('email', 'text', (c) => c.notNull().unique())
      .addColumn('department', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('salary_cents', 'bigint', (c) => c.notNull())
      .addColumn('currency', 'char(3)', (c) => c.notNull())
      .addColumn('bank_account', 'text', (c) => c.notNull())
      .addColumn('hired_on', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('employees_created_at_id_idx').on('employees').columns(['created_at', 'id']).execute();

    await db.schema
      .createTable('payments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('employee_id', 'text', (c) => c.notNull().references('employees.id'))
      .addColumn('amount_cents', 'bigint', (c) => c.notNull())
      .addColumn('currency', 'char(3)', (c) => c.notNull())
      .addColumn('period', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('reverses_payment_id', 'text', (c) => c.unique().references('payments.id'))
      .addColumn('reversed_by_payment_id', 'text', (c) => c.unique().references('payments.id'))
      .addColumn('memo', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('payments_employee_id_idx').on('payments').column('employee_id').execute();
    await db.schema.createIndex('payments_created_at_id_idx').on('payments').columns(['created_at', 'id']).execute();

    await db.schema
      .createTable('idempotency_keys')
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('route', 'text', (c) => c.notNull())
      .addColumn('request_hash', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('response_status', 'integer')
      .addColumn('response_body', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('idempotency_keys_pkey', ['key', 'actor', 'route'])
      .execute();
    await db.schema
      .createIndex('idempotency_keys_expires_at_idx')
      .on('idempotency_keys')
      .column('expires_at')
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of ['idempotency_keys', 'payments', 'employees']) await db.schema.dropTable(table).execute();
  },
};

/**
 * Who holds an in-progress idempotency key and until when: `owner` is the process instance that
 * claimed it (random per process start), `claim_id` this one claim (the compare-and-set token of
 * complete, renew and take-over), `lease_until` when the claim is abandoned unless renewed. A
 * claim left by a crashed process is taken over once its lease lapses instead of 30 s later.
 * Rows claimed before this migration get a lease of their old 30 s from their claim time.
 */
const claimLease: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('idempotency_keys')
      .addColumn('owner', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
    await db.schema
      .alterTable('idempotency_keys')
      .addColumn('claim_id', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
    await db.schema
      .alterTable('idempotency_keys')
      .addColumn('lease_until', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
    await sql`update idempotency_keys set lease_until = created_at + 30000`.execute(db);
  },

  async down(db: Kysely<unknown>): Promise<void> {
    for (const column of ['lease_until', 'claim_id', 'owner'])
      await db.schema.alterTable('idempotency_keys').dropColumn(column).execute();
  },
};

/** Pass to `openStore({ ..., migrations: payrollMigrations })`. */
export const payrollMigrations: MigrationMap = { '0002_payroll': payroll, '0007_payroll_claim_lease': claimLease };
