import type { Kysely } from 'kysely';
import { ConflictError } from '../../errors/index.js';
import type { PasskeyCredentialsTable, PasskeyTables } from '../passkey-schema.js';
import type {
  PasskeyChallenge,
  PasskeyChallengePurpose,
  PasskeyDeviceType,
  PasskeyRecord,
  PasskeysStore,
} from '../passkey-types.js';
import { CompiledRead } from './compiled.js';
import { isUniqueViolation, ms, msOrNull } from './values.js';

function toPasskey(row: PasskeyCredentialsTable): PasskeyRecord {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    publicKey: new Uint8Array(Buffer.from(row.public_key, 'base64url')),
    counter: ms(row.counter),
    transports: row.transports === '' ? [] : row.transports.split(' '),
    deviceType: row.device_type as PasskeyDeviceType,
    backedUp: Number(row.backed_up) === 1,
    aaguid: row.aaguid,
    createdAt: ms(row.created_at),
    lastUsedAt: msOrNull(row.last_used_at),
  };
}

// Every login asks whether its user has a passkey: compiled once.
const FOR_USER = new CompiledRead<PasskeyTables, PasskeyCredentialsTable>((db, p) =>
  db
    .selectFrom('passkey_credentials')
    .selectAll()
    .where('user_id', '=', p<string>(0))
    .orderBy('created_at')
    .orderBy('id'),
);

export function sqlPasskeys<DB>(base: Kysely<DB>): PasskeysStore {
  const db = base.withTables<PasskeyTables>() as unknown as Kysely<PasskeyTables>;
  const find = async (userId: string, id: string) => {
    const row = await db
      .selectFrom('passkey_credentials')
      .selectAll()
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row === undefined ? undefined : toPasskey(row);
  };
  return {
    async create(p: PasskeyRecord): Promise<void> {
      try {
        await db
          .insertInto('passkey_credentials')
          .values({
            id: p.id,
            user_id: p.userId,
            name: p.name,
            public_key: Buffer.from(p.publicKey).toString('base64url'),
            counter: p.counter,
            transports: p.transports.join(' '),
            device_type: p.deviceType,
            backed_up: p.backedUp ? 1 : 0,
            aaguid: p.aaguid,
            created_at: p.createdAt,
            last_used_at: p.lastUsedAt,
          })
          .execute();
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        throw new ConflictError('passkey already registered', {
          detail: 'This passkey is already registered.',
          cause: error,
        });
      }
    },

    async findById(id: string): Promise<PasskeyRecord | undefined> {
      const row = await db.selectFrom('passkey_credentials').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : toPasskey(row);
    },

    async listForUser(userId: string): Promise<PasskeyRecord[]> {
      return (await FOR_USER.rows(db, [userId])).map(toPasskey);
    },

    async rename(userId: string, id: string, name: string): Promise<PasskeyRecord | undefined> {
      await db
        .updateTable('passkey_credentials')
        .set({ name })
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .execute();
      return find(userId, id);
    },

    async remove(userId: string, id: string): Promise<boolean> {
      const result = await db
        .deleteFrom('passkey_credentials')
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },

    async removeAllForUser(userId: string): Promise<number> {
      const result = await db.deleteFrom('passkey_credentials').where('user_id', '=', userId).executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async recordUse(
      id: string,
      expectedCounter: number,
      use: { counter: number; backedUp: boolean; at: number },
    ): Promise<boolean> {
      const result = await db
        .updateTable('passkey_credentials')
        .set({ counter: use.counter, backed_up: use.backedUp ? 1 : 0, last_used_at: use.at })
        .where('id', '=', id)
        .where('counter', '=', expectedCounter)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async createChallenge(c: PasskeyChallenge): Promise<void> {
      await db
        .insertInto('passkey_challenges')
        .values({
          hash: c.hash,
          purpose: c.purpose,
          user_id: c.userId,
          created_at: c.createdAt,
          expires_at: c.expiresAt,
        })
        .execute();
    },

    async consumeChallenge(
      hash: string,
      purpose: PasskeyChallengePurpose,
      userId: string | null,
      now: number,
    ): Promise<boolean> {
      const result = await db
        .deleteFrom('passkey_challenges')
        .where('hash', '=', hash)
        .where('purpose', '=', purpose)
        .where('expires_at', '>', now)
        .where((eb) => (userId === null ? eb('user_id', 'is', null) : eb('user_id', '=', userId)))
        .executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },

    async purgeChallenges(now: number): Promise<number> {
      const result = await db.deleteFrom('passkey_challenges').where('expires_at', '<=', now).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
