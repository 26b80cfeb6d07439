import type { AccessTokenClaims } from '@bulwark/guard';
import type { FastifyRequest } from 'fastify';
import { ForbiddenError } from '../../errors/index.js';

/** Who is asking, from the verified access token (the guard put it on request.auth). */
export interface Viewer {
  /** The token's `sub`. */
  userId: string;
  role: string | undefined;
  /** The token's `employee_id`: the employee record this user is. */
  employeeId: string | undefined;
  ip: string | null;
  /** A client acting for itself (client credentials) with payroll:read: reads like a clerk. */
  machineReader?: boolean | undefined;
}

/** The scope a client (no role) needs to read payroll (issue #12). */
export const MACHINE_READ_SCOPE = 'payroll:read';

/** An RFC 9068 client-credentials token (sub = client_id, no role) that carries payroll:read. */
export function isMachineReader(claims: AccessTokenClaims): boolean {
  return (
    claims.role === undefined &&
    claims.sub === claims.client_id &&
    typeof claims.scope === 'string' &&
    claims.scope.split(' ').includes(MACHINE_READ_SCOPE)
  );
}

/** What a viewer may see: every record (clerks with bank accounts masked), or only their own. */
export type Visibility = { kind: 'all'; maskBankAccounts: boolean } | { kind: 'self'; employeeId: string | null };

/** The object-level rule of CONTRACT §4. Unknown roles get the narrowest view. */
export function visibilityOf(viewer: Viewer): Visibility {
  if (viewer.role === 'admin') return { kind: 'all', maskBankAccounts: false };
  if (viewer.role === 'clerk' || (viewer.role === undefined && viewer.machineReader === true))
    return { kind: 'all', maskBankAccounts: true };
  return { kind: 'self', employeeId: viewer.employeeId ?? null };
}

/** True when the viewer may see this employee's records. */
export function maySee(visibility: Visibility, employeeId: string): boolean {
  return visibility.kind === 'all' || visibility.employeeId === employeeId;
}

/** Routes already let only admins write; this keeps the services safe on their own. */
export function assertAdmin(viewer: Viewer): void {
  if (viewer.role !== 'admin')
    throw new ForbiddenError('payroll write by a non-admin', { detail: 'Your role may not do this.' });
}

/** The viewer of a route that ran requireAuth: a missing `request.auth` is a wiring bug, not a 401. */
export function viewerOf(request: FastifyRequest): Viewer {
  const claims = request.auth;
  if (claims === null || claims === undefined)
    throw new Error(`route ${request.routeOptions.url ?? ''} read the viewer without requireAuth`);
  return {
    userId: claims.sub,
    role: typeof claims.role === 'string' ? claims.role : undefined,
    employeeId: typeof claims.employee_id === 'string' && claims.employee_id !== '' ? claims.employee_id : undefined,
    ip: request.ip ?? null,
    machineReader: isMachineReader(claims),
  };
}
