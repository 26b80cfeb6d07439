import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { Store } from '../types.js';
import { sqlAccounts } from './accounts.js';
import { sqlAudit } from './audit.js';
import { sqlClients } from './clients.js';
import { sqlInvitationJoins } from './invitation-joins.js';
import { sqlKeys } from './keys.js';
import { sqlLoginFailures } from './login-failures.js';
import { sqlMfa } from './mfa.js';
import { sqlPasskeys } from './passkeys.js';
import { sqlRefreshTokens } from './refresh-tokens.js';
import { sqlRegistry } from './registry.js';
import { sqlRevocations } from './revocations.js';
import { sqlSecurityEvents } from './security-events.js';
import { sqlSessions } from './sessions.js';
import { sqlUsers } from './users.js';

/**
 * A Store on a SQL database. `db` is exposed so that other modules (payroll) can build their
 * adapters on the same connection pool: `store.db.withTables<PayrollTables>()`.
 */
export interface SqlStore extends Store {
  readonly db: Kysely<Database>;
}

export function createSqlStore(db: Kysely<Database>, kind: Store['kind']): SqlStore {
  return {
    kind,
    db,
    users: sqlUsers(db),
    sessions: sqlSessions(db),
    refreshTokens: sqlRefreshTokens(db),
    keys: sqlKeys(db, kind),
    revocations: sqlRevocations(db),
    audit: sqlAudit(db),
    clients: sqlClients(db),
    mfa: sqlMfa(db),
    loginFailures: sqlLoginFailures(db),
    passkeys: sqlPasskeys(db),
    securityEvents: sqlSecurityEvents(db),
    accounts: sqlAccounts(db),
    invitationJoins: sqlInvitationJoins(db),
    registry: sqlRegistry(db),
    async ping(): Promise<void> {
      await sql`select 1`.execute(db);
    },
    async probeWrite(): Promise<void> {
      const row = { id: 'readiness', probed_at: Date.now() };
      await db
        .insertInto('readiness_probe')
        .values(row)
        .onConflict((c) => c.column('id').doUpdateSet({ probed_at: row.probed_at }))
        .execute();
    },
    close(): Promise<void> {
      return db.destroy();
    },
  };
}
