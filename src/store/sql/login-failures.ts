import type { Kysely } from 'kysely';
import type { LoginFailuresTable, MfaTables } from '../mfa-schema.js';
import type { LoginFailureRecord, LoginFailuresStore } from '../mfa-types.js';
import { CompiledRead } from './compiled.js';
import { ms } from './values.js';

function toRecord(row: LoginFailuresTable): LoginFailureRecord {
  return {
    userId: row.user_id,
    ip: row.ip,
    failures: Number(row.failures),
    firstFailedAt: ms(row.first_failed_at),
    lastFailedAt: ms(row.last_failed_at),
  };
}

// Every login reads it (the throttle's durable count): compiled once.
const FIND = new CompiledRead<MfaTables, LoginFailuresTable>((db, p) =>
  db.selectFrom('login_failures').selectAll().where('user_id', '=', p<string>(0)).where('ip', '=', p<string>(1)),
);

export function sqlLoginFailures<DB>(base: Kysely<DB>): LoginFailuresStore {
  const db = base.withTables<MfaTables>() as unknown as Kysely<MfaTables>;
  return {
    async record(userId: string, ip: string, at: number): Promise<void> {
      await db
        .insertInto('login_failures')
        .values({ user_id: userId, ip, failures: 1, first_failed_at: at, last_failed_at: at })
        .onConflict((oc) =>
          oc.columns(['user_id', 'ip']).doUpdateSet((eb) => ({
            failures: eb('login_failures.failures', '+', 1),
            // Concurrent failures commit in any order: keep the earliest first and the latest last (CASE: both dialects).
            first_failed_at: eb
              .case()
              .when('excluded.first_failed_at', '<', eb.ref('login_failures.first_failed_at'))
              .then(eb.ref('excluded.first_failed_at'))
              .else(eb.ref('login_failures.first_failed_at'))
              .end(),
            last_failed_at: eb
              .case()
              .when('excluded.last_failed_at', '>', eb.ref('login_failures.last_failed_at'))
              .then(eb.ref('excluded.last_failed_at'))
              .else(eb.ref('login_failures.last_failed_at'))
              .end(),
          })),
        )
        .execute();
    },

    async find(userId: string, ip: string): Promise<LoginFailureRecord | undefined> {
      const row = await FIND.first(db, [userId, ip]);
      return row === undefined ? undefined : toRecord(row);
    },

    async list(userId: string): Promise<LoginFailureRecord[]> {
      const rows = await db
        .selectFrom('login_failures')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('last_failed_at', 'desc')
        .orderBy('ip')
        .execute();
      return rows.map(toRecord);
    },

    clear(userId: string, ip?: string): Promise<LoginFailureRecord[]> {
      return db.transaction().execute(async (trx) => {
        let select = trx.selectFrom('login_failures').selectAll().where('user_id', '=', userId);
        let remove = trx.deleteFrom('login_failures').where('user_id', '=', userId);
        if (ip !== undefined) [select, remove] = [select.where('ip', '=', ip), remove.where('ip', '=', ip)];
        const rows = await select.execute();
        if (rows.length > 0) await remove.execute();
        return rows.map(toRecord);
      });
    },
  };
}
