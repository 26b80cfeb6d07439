import { NotFoundError } from '../../errors/index.js';
import type { PasskeyRecord, Store } from '../../store/types.js';
import type { AuditLog } from '../audit/audit-log.js';

/**
 * An admin's view of one user's passkeys: list them (public facts only) and remove one, e.g. a
 * lost security key. An unknown user, or a passkey not that user's, is not found.
 */
export class UserPasskeys {
  constructor(
    private readonly store: Pick<Store, 'users' | 'passkeys'>,
    private readonly audit: AuditLog,
  ) {}

  async list(userId: string): Promise<PasskeyRecord[]> {
    await this.user(userId);
    return this.store.passkeys.listForUser(userId);
  }

  async remove(userId: string, id: string, actorId: string | null, ip: string | null): Promise<void> {
    await this.user(userId);
    if (!(await this.store.passkeys.remove(userId, id))) throw new NotFoundError('passkey');
    await this.audit.record('passkey.removed', { actorId, targetId: userId, ip, details: { by_admin: true } });
  }

  private async user(id: string): Promise<void> {
    if ((await this.store.users.findById(id)) === undefined) throw new NotFoundError('user');
  }
}
