import { PostgresAdapter, type Kysely } from 'kysely';
import type { Database, RevocationsTable } from '../schema.js';
import type { RevocationRecord, RevocationsStore } from '../types.js';
import { databaseClockMs, ms } from './values.js';

function toRecord(row: RevocationsTable): RevocationRecord {
  return {
    kind: row.kind,
    value: row.value,
    expiresAt: ms(row.expires_at),
    createdAt: ms(row.created_at),
  };
}

export function sqlRevocations(db: Kysely<Database>): RevocationsStore {
  return {
    async add(revocation: RevocationRecord): Promise<void> {
      await db
        .insertInto('revocations')
        .values({
          kind: revocation.kind,
          value: revocation.value,
          expires_at: revocation.expiresAt,
          created_at: revocation.createdAt,
        })
        // CASE rather than GREATEST/MAX: the one spelling both SQLite and Postgres accept.
        .onConflict((oc) =>
          oc.columns(['kind', 'value']).doUpdateSet((eb) => ({
            expires_at: eb
              .case()
              .when('excluded.expires_at', '>', eb.ref('revocations.expires_at'))
              .then(eb.ref('excluded.expires_at'))
              .else(eb.ref('revocations.expires_at'))
              .end(),
            created_at: eb
              .case()
              .when('excluded.created_at', '>', eb.ref('revocations.created_at'))
              .then(eb.ref('excluded.created_at'))
              .else(eb.ref('revocations.created_at'))
              .end(),
          })),
        )
        .execute();
    },

    async listActive(now: number): Promise<RevocationRecord[]> {
      const rows = await db
        .selectFrom('revocations')
        .selectAll()
        .where('expires_at', '>', now)
        .orderBy('kind')
        .orderBy('value')
        .execute();
      return rows.map(toRecord);
    },

    async purgeExpired(now: number): Promise<number> {
      const result = await db.deleteFrom('revocations').where('expires_at', '<=', now).executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async clockMs(clock: () => number): Promise<number> {
      // databaseClockMs is clock() itself off Postgres or with a controlled clock: no query then.
      if (clock !== Date.now || !(db.getExecutor().adapter instanceof PostgresAdapter)) return clock();
      const row = await db.selectNoFrom([databaseClockMs(db, clock).as('now')]).executeTakeFirstOrThrow();
      return ms(row.now);
    },
  };
}
