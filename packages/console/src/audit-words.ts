import type { AuditEvent } from './types.js';

/** Names the console knows: users by id, employees by id (and which user is which employee). */
export interface Names {
  user(id: string | null): string | undefined;
  employee(id: unknown): string | undefined;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const num = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

function amountOf(details: Record<string, unknown>): string {
  const cents = num(details.amount_cents);
  const currency = str(details.currency);
  if (cents === undefined || currency === undefined) return 'a payment';
  return `${currency} ${(Math.abs(cents) / 100).toFixed(2)}`;
}

function changesOf(details: Record<string, unknown>): string {
  const changes = details.changes;
  if (typeof changes !== 'object' || changes === null) return '';
  const parts = Object.entries(changes as Record<string, { from?: unknown; to?: unknown }>).map(([field, change]) => {
    if (field === 'disabled') return change.to === true ? 'disabled' : 'enabled';
    return `${field} ${String(change.from)} → ${String(change.to)}`;
  });
  return parts.join(', ');
}

/**
 * One audit event as a sentence: who did what to whom ("alice reversed Bob Meyer's payment of
 * EUR 100.00 for 2026-10"). Unknown types fall back to the type and the names it carries.
 */
export function describeEvent(event: AuditEvent, names: Names): string {
  const d = event.details;
  const actor =
    names.user(event.actor_id) ??
    (event.actor_id === null ? (str(d.via) === 'cli' ? 'the command line' : 'someone') : 'a user');
  const targetUser = names.user(event.target_id) ?? 'a user';
  const employee = names.employee(d.employee_id) ?? names.employee(event.target_id) ?? 'an employee';
  switch (event.type) {
    case 'payment.issued':
      return `${actor} paid ${employee} ${amountOf(d)} for ${str(d.period) ?? '?'}`;
    case 'payment.reversed':
      return `${actor} reversed ${employee}'s payment of ${amountOf(d)} for ${str(d.period) ?? '?'}${str(d.reason) === undefined ? '' : ` (reason: ${str(d.reason)})`}`;
    case 'employee.created':
      return `${actor} added the employee ${employee}`;
    case 'employee.updated':
      return `${actor} changed ${employee}'s ${Array.isArray(d.changed) ? d.changed.map((f: unknown) => String(f).replace(/_/g, ' ')).join(', ') : 'record'}`;
    case 'login.succeeded':
      return `${actor} signed in${Array.isArray(d.amr) && d.amr.includes('otp') ? ' with a code' : ''}`;
    case 'login.failed':
      return `A sign-in as ${targetUser === 'a user' ? 'an unknown user' : targetUser} failed${str(d.reason) === undefined ? '' : ` (${str(d.reason)?.replace(/_/g, ' ')})`}`;
    case 'login.throttled':
      return `Sign-ins as ${targetUser} were throttled`;
    case 'session.logout':
      return `${actor} signed out`;
    case 'session.revoked':
      return str(d.by) === 'owner' ? `${actor} ended one of their own sessions` : `${actor} revoked a session`;
    case 'sessions.revoked':
      return `${actor} revoked every session of ${targetUser}`;
    case 'password.changed':
      return `${targetUser} changed their password`;
    case 'password.reset':
      return `${actor} reset ${targetUser}'s password`;
    case 'user.created':
      return `${actor} added the user ${targetUser}${str(d.role) === undefined ? '' : ` (${str(d.role)})`}`;
    case 'user.updated':
      return `${actor} changed ${targetUser}${changesOf(d) === '' ? '' : `: ${changesOf(d)}`}`;
    case 'key.rotated':
      return `${actor} rotated the signing key${str(d.mode) === 'now' ? ' (at once)' : ''}`;
    case 'refresh.reused':
      return `A used refresh token of ${actor} was replayed: the session was revoked`;
    case 'mfa.enrolled':
      return `${actor} set up an authenticator`;
    case 'mfa.removed':
      return `${actor} removed their authenticator`;
    case 'mfa.reset':
      return `${actor} reset ${targetUser}'s authenticator`;
    default:
      return `${actor}: ${event.type.replace(/[._]/g, ' ')}${event.target_id === null ? '' : ` (${names.user(event.target_id) ?? names.employee(event.target_id) ?? event.target_id})`}`;
  }
}
