import { sql, type SqlBool, type Updateable } from 'kysely';
import { ConflictError } from '../../errors/index.js';
import { CompiledRead } from '../../store/sql/compiled.js';
import { deepFreeze, readThrough, UnchangedCaches } from '../../store/sql/unchanged-cache.js';
import { afterCursor, toPage } from '../../store/sql/cursor.js';
import { isUniqueViolation } from '../../store/sql/values.js';
import type { Page } from '../../store/types.js';
import type { CamelCased } from '../db/camel-case.js';
import type { EmployeesTable, PayrollDb, PayrollTables } from '../db/schema.js';

/** A stored row with camelCase keys (times in milliseconds): what the services work with. */
export type EmployeeRecord = CamelCased<EmployeesTable>;

/** The fields an admin may write; everything else is the server's. */
export type EmployeeFields = Omit<EmployeeRecord, 'id' | 'createdAt' | 'updatedAt'>;

export interface EmployeeQuery {
  /** Restricts the list to this one employee (an employee's own view). */
  onlyId?: string | undefined;
  /** Names containing this text, any case (`%` and `_` match themselves). */
  nameContains?: string | undefined;
  department?: string | undefined;
  cursor?: string | undefined;
  limit: number;
}

const COLUMNS: Record<keyof EmployeeFields, keyof EmployeesTable> = {
  name: 'name',
  email: 'email',
  department: 'department',
  title: 'title',
  salaryCents: 'salary_cents',
  currency: 'currency',
  bankAccount: 'bank_account',
  hiredOn: 'hired_on',
  status: 'status',
};

function toRecord(row: EmployeesTable): EmployeeRecord {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    department: row.department,
    title: row.title,
    salaryCents: Number(row.salary_cents),
    currency: row.currency.trim(),
    bankAccount: row.bank_account,
    hiredOn: row.hired_on,
    status: row.status,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function toColumns(fields: Partial<EmployeeFields>): Updateable<EmployeesTable> {
  const set: Record<string, unknown> = {};
  for (const [field, column] of Object.entries(COLUMNS)) {
    const value = fields[field as keyof EmployeeFields];
    if (value !== undefined) set[column] = value;
  }
  return set as Updateable<EmployeesTable>;
}

function emailTaken(error: unknown): ConflictError {
  return new ConflictError('employee email already in use', {
    detail: 'Another employee has this email address.',
    cause: error,
  });
}

const BY_ID = new CompiledRead<PayrollTables, EmployeesTable>((db, p) =>
  db.selectFrom('employees').selectAll().where('id', '=', p<string>(0)),
);

/** Employees on one connection or transaction. */
/**
 * Every GET /api/employees/{id} and every payment reads an employee by id: on SQLite kept while the
 * table is unchanged (src/store/sql/unchanged-cache.ts), never inside a transaction.
 */
const byIdCaches = new UnchangedCaches<EmployeeRecord>(['employees']);

export function employeesRepo(db: PayrollDb) {
  return {
    async insert(employee: EmployeeRecord): Promise<void> {
      const { id, createdAt, updatedAt, ...fields } = employee;
      try {
        await db
          .insertInto('employees')
          .values({ id, ...toColumns(fields), created_at: createdAt, updated_at: updatedAt } as EmployeesTable)
          .execute();
      } catch (error) {
        if (isUniqueViolation(error)) throw emailTaken(error);
        throw error;
      }
    },

    findById(id: string): Promise<EmployeeRecord | undefined> {
      return readThrough(byIdCaches.of(db), id, async () => {
        const row = await BY_ID.first(db, [id]);
        return row === undefined ? undefined : deepFreeze(toRecord(row));
      });
    },

    async findByEmail(email: string): Promise<EmployeeRecord | undefined> {
      const row = await db.selectFrom('employees').selectAll().where('email', '=', email).executeTakeFirst();
      return row === undefined ? undefined : toRecord(row);
    },

    /** Ordered by createdAt, then id. */
    async list(query: EmployeeQuery): Promise<Page<EmployeeRecord>> {
      let select = db.selectFrom('employees').selectAll();
      if (query.onlyId !== undefined) select = select.where('id', '=', query.onlyId);
      if (query.department !== undefined) select = select.where('department', '=', query.department);
      if (query.nameContains !== undefined) {
        const pattern = `%${query.nameContains.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        select = select.where(sql<SqlBool>`lower(${sql.ref('name')}) like ${pattern} escape '\\'`);
      }
      if (query.cursor !== undefined) select = select.where(afterCursor(query.cursor, 'created_at', 'asc'));
      const rows = await select
        .orderBy('created_at', 'asc')
        .orderBy('id', 'asc')
        .limit(query.limit + 1)
        .execute();
      return toPage(rows.map(toRecord), query.limit, (e) => [e.createdAt, e.id]);
    },

    /** Writes the given fields; returns the updated record, or undefined for an unknown id. */
    async update(id: string, fields: Partial<EmployeeFields>, updatedAt: number): Promise<EmployeeRecord | undefined> {
      try {
        const row = await db
          .updateTable('employees')
          .set({ ...toColumns(fields), updated_at: updatedAt })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirst();
        return row === undefined ? undefined : toRecord(row);
      } catch (error) {
        if (isUniqueViolation(error)) throw emailTaken(error);
        throw error;
      }
    },

    async count(): Promise<number> {
      const row = await db
        .selectFrom('employees')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}

export type EmployeesRepo = ReturnType<typeof employeesRepo>;
