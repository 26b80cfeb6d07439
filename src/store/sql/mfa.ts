import type { Kysely } from 'kysely';
import type { LoginChallengesTable, MfaTables, TotpEnrolmentsTable } from '../mfa-schema.js';
import type { AuthMethod, LoginChallenge, LoginChallengePurpose, MfaStore, TotpEnrolment } from '../mfa-types.js';
import { CompiledRead } from './compiled.js';
import { ms, msOrNull } from './values.js';

const METHODS: readonly AuthMethod[] = ['pwd', 'otp', 'hwk', 'swk', 'user', 'mfa'];

/** Space-separated amr text to its list; unknown words are dropped, nothing at all means password. */
export function parseAmr(text: string | null): AuthMethod[] {
  const methods = (text ?? '').split(' ').filter((m): m is AuthMethod => (METHODS as readonly string[]).includes(m));
  return methods.length === 0 ? ['pwd'] : methods;
}

function toEnrolment(row: TotpEnrolmentsTable): TotpEnrolment {
  return {
    userId: row.user_id,
    secretSealed: row.secret_sealed,
    createdAt: ms(row.created_at),
    confirmedAt: msOrNull(row.confirmed_at),
    lastStep: msOrNull(row.last_step),
  };
}

function toChallenge(row: LoginChallengesTable): LoginChallenge {
  return {
    hash: row.hash,
    userId: row.user_id,
    purpose: row.purpose as LoginChallengePurpose,
    amr: parseAmr(row.amr),
    createdAt: ms(row.created_at),
    expiresAt: ms(row.expires_at),
    usedAt: msOrNull(row.used_at),
    attempts: Number(row.attempts),
  };
}

// Every login asks whether its user has a second factor: compiled once.
const ENROLMENT = new CompiledRead<MfaTables, TotpEnrolmentsTable>((db, p) =>
  db.selectFrom('totp_enrolments').selectAll().where('user_id', '=', p<string>(0)),
);

export function sqlMfa<DB>(base: Kysely<DB>): MfaStore {
  const db = base.withTables<MfaTables>() as unknown as Kysely<MfaTables>;
  return {
    async saveEnrolment(e: TotpEnrolment): Promise<void> {
      const row = {
        user_id: e.userId,
        secret_sealed: e.secretSealed,
        created_at: e.createdAt,
        confirmed_at: e.confirmedAt,
        last_step: e.lastStep,
      };
      await db
        .insertInto('totp_enrolments')
        .values(row)
        .onConflict((oc) =>
          oc.column('user_id').doUpdateSet({
            secret_sealed: e.secretSealed,
            created_at: e.createdAt,
            confirmed_at: e.confirmedAt,
            last_step: e.lastStep,
          }),
        )
        .execute();
    },

    async findEnrolment(userId: string): Promise<TotpEnrolment | undefined> {
      const row = await ENROLMENT.first(db, [userId]);
      return row === undefined ? undefined : toEnrolment(row);
    },

    confirm(userId: string, at: number, step: number, recoveryHashes: readonly string[]): Promise<boolean> {
      return db.transaction().execute(async (trx) => {
        const result = await trx
          .updateTable('totp_enrolments')
          .set({ confirmed_at: at, last_step: step })
          .where('user_id', '=', userId)
          .where('confirmed_at', 'is', null)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) !== 1) return false;
        await trx.deleteFrom('mfa_recovery_codes').where('user_id', '=', userId).execute();
        if (recoveryHashes.length > 0) {
          await trx
            .insertInto('mfa_recovery_codes')
            .values(recoveryHashes.map((hash) => ({ hash, user_id: userId, created_at: at, used_at: null })))
            .execute();
        }
        return true;
      });
    },

    async advanceStep(userId: string, step: number): Promise<boolean> {
      const result = await db
        .updateTable('totp_enrolments')
        .set({ last_step: step })
        .where('user_id', '=', userId)
        .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', step)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async unusedRecoveryCodes(userId: string): Promise<string[]> {
      const rows = await db
        .selectFrom('mfa_recovery_codes')
        .select('hash')
        .where('user_id', '=', userId)
        .where('used_at', 'is', null)
        .execute();
      return rows.map((r) => r.hash);
    },

    async useRecoveryCode(userId: string, hash: string, at: number): Promise<boolean> {
      const result = await db
        .updateTable('mfa_recovery_codes')
        .set({ used_at: at })
        .where('hash', '=', hash)
        .where('user_id', '=', userId)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    removeEnrolment(userId: string): Promise<boolean> {
      return db.transaction().execute(async (trx) => {
        await trx.deleteFrom('mfa_recovery_codes').where('user_id', '=', userId).execute();
        const result = await trx.deleteFrom('totp_enrolments').where('user_id', '=', userId).executeTakeFirst();
        return Number(result.numDeletedRows) === 1;
      });
    },

    async createChallenge(c: LoginChallenge): Promise<void> {
      await db
        .insertInto('login_challenges')
        .values({
          hash: c.hash,
          user_id: c.userId,
          purpose: c.purpose,
          amr: c.amr.join(' '),
          created_at: c.createdAt,
          expires_at: c.expiresAt,
          used_at: c.usedAt,
          attempts: c.attempts,
        })
        .execute();
    },

    async findChallenge(hash: string): Promise<LoginChallenge | undefined> {
      const row = await db.selectFrom('login_challenges').selectAll().where('hash', '=', hash).executeTakeFirst();
      return row === undefined ? undefined : toChallenge(row);
    },

    async failChallenge(hash: string): Promise<number> {
      await db
        .updateTable('login_challenges')
        .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
        .where('hash', '=', hash)
        .execute();
      const row = await db
        .selectFrom('login_challenges')
        .select('attempts')
        .where('hash', '=', hash)
        .executeTakeFirst();
      return Number(row?.attempts ?? Number.MAX_SAFE_INTEGER);
    },

    async consumeChallenge(hash: string, now: number): Promise<boolean> {
      const result = await db
        .updateTable('login_challenges')
        .set({ used_at: now })
        .where('hash', '=', hash)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async purgeChallenges(now: number): Promise<number> {
      const result = await db.deleteFrom('login_challenges').where('expires_at', '<=', now).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
