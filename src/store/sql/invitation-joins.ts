import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { InvitationJoinsStore, PasskeyJoin } from '../types.js';
import { sqlAccounts } from './accounts.js';
import { sqlPasskeys } from './passkeys.js';
import { sqlUsers } from './users.js';

/** Thrown inside the transaction to roll it back when the link lost a race. */
class LinkSpent extends Error {}

export function sqlInvitationJoins(db: Kysely<Database>): InvitationJoinsStore {
  return {
    async joinWithPasskey(join: PasskeyJoin): Promise<boolean> {
      try {
        await db.transaction().execute(async (transaction) => {
          const trx = transaction as unknown as Kysely<Database>;
          const accounts = sqlAccounts(trx);
          if (!(await accounts.consumeLink(join.linkHash, join.at))) throw new LinkSpent();
          await sqlUsers(trx).create(join.user);
          await sqlPasskeys(trx).create(join.passkey);
          if (!(await accounts.acceptInvitation(join.invitationId, join.user.id, join.at))) throw new LinkSpent();
        });
        return true;
      } catch (error) {
        if (error instanceof LinkSpent) return false;
        throw error;
      }
    },
  };
}
