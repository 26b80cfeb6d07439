import type { FastifyRequest } from 'fastify';
import { ForbiddenError } from '../../errors/index.js';
import { PAYROLL_PERMISSIONS } from '@bulwark/contract/registry';
import { permissionsOf } from './permissions.js';

/** Who is asking, from the verified access token (the guard put it on request.auth). */
export interface Viewer {
  /** The token's `sub`. */
  userId: string;
  /** The token's payroll permissions (its `scope`). */
  permissions: ReadonlySet<string>;
  /** The token's `employee_id`: the employee record this user is. */
  employeeId: string | undefined;
  ip: string | null;
}

/** What a viewer may see: every record (bank accounts masked for readers who may not write), or only their own. */
export type Visibility = { kind: 'all'; maskBankAccounts: boolean } | { kind: 'self'; employeeId: string | null };

/**
 * The object-level rule of the contract (§4), by permission: `payroll:read` sees every record,
 * with bank accounts unmasked only with `payroll:write` as well (who may change an account may
 * see it); anyone else sees at most their own (`payroll:read:self`, the narrowest view).
 */
export function visibilityOf(viewer: Viewer): Visibility {
  if (viewer.permissions.has(PAYROLL_PERMISSIONS.read))
    return { kind: 'all', maskBankAccounts: !viewer.permissions.has(PAYROLL_PERMISSIONS.write) };
  return { kind: 'self', employeeId: viewer.employeeId ?? null };
}

/** True when the viewer may see this employee's records. */
export function maySee(visibility: Visibility, employeeId: string): boolean {
  return visibility.kind === 'all' || visibility.employeeId === employeeId;
}

/** Routes already let only holders of payroll:write in; this keeps the services safe on their own. */
export function assertWriter(viewer: Viewer): void {
  if (!viewer.permissions.has(PAYROLL_PERMISSIONS.write))
    throw new ForbiddenError('payroll write without payroll:write', {
      detail: 'The access token lacks the payroll:write permission.',
    });
}

/** The viewer of a route that ran requireAuth: a missing `request.auth` is a wiring bug, not a 401. */
export function viewerOf(request: FastifyRequest): Viewer {
  const claims = request.auth;
  if (claims === null || claims === undefined)
    throw new Error(`route ${request.routeOptions.url ?? ''} read the viewer without requireAuth`);
  return {
    userId: claims.sub,
    permissions: permissionsOf(claims.scope),
    employeeId: typeof claims.employee_id === 'string' && claims.employee_id !== '' ? claims.employee_id : undefined,
    ip: request.ip ?? null,
  };
}
