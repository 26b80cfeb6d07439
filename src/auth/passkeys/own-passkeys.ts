import { NotFoundError } from '../../errors/index.js';
import type { PasskeyRecord, PasskeysStore } from '../../store/types.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { RequestMeta } from '../sessions/session-service.js';
import { passkeyName } from './registration.js';

/** The signed-in user's own passkeys: list, rename, remove. Another user's passkey is not found. */
export class OwnPasskeys {
  constructor(
    private readonly store: PasskeysStore,
    private readonly audit: AuditLog,
  ) {}

  list(userId: string): Promise<PasskeyRecord[]> {
    return this.store.listForUser(userId);
  }

  async rename(userId: string, id: string, rawName: string, meta: RequestMeta): Promise<PasskeyRecord> {
    const renamed = await this.store.rename(userId, id, passkeyName(rawName));
    if (renamed === undefined) throw new NotFoundError('passkey');
    await this.audit.record('passkey.renamed', { actorId: userId, targetId: userId, ip: meta.ip });
    return renamed;
  }

  async remove(userId: string, id: string, meta: RequestMeta): Promise<void> {
    if (!(await this.store.remove(userId, id))) throw new NotFoundError('passkey');
    await this.audit.record('passkey.removed', { actorId: userId, targetId: userId, ip: meta.ip });
  }
}
