/**
 * The API's shapes the console reads: the server's own schema types (@bulwark/contract), so a
 * field the server drops is a compile error here. Nothing is re-declared.
 */
import type { OwnSession, Session as AdminSession } from '@bulwark/contract/types';

export { ROLES } from '@bulwark/contract/registry';
export type {
  AuditEvent,
  Employee,
  Key as SigningKey,
  MfaStatus,
  Payment,
  PaymentTotal,
  Role,
  User as UserRecord,
} from '@bulwark/contract/types';

/**
 * A row of the sessions view: an admin's session (GET /api/sessions) or one of the caller's own
 * (GET /api/users/me/sessions, with device, address and last use); the fields of the other are absent.
 */
export type Session = Pick<AdminSession, 'id' | 'created_at' | 'expires_at'> &
  Partial<AdminSession> &
  Partial<OwnSession>;
