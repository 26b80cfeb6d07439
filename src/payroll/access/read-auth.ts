import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { ForbiddenError } from '../../errors/index.js';
import { PAYROLL_PERMISSIONS } from '@bulwark/contract/registry';
import { permissionsOf } from './permissions.js';

/**
 * Who may read payroll, checked after requireAuth(): a token with `payroll:read` (a person or a
 * machine client) or `payroll:read:self` (a person, who sees their own records). Anything else:
 * 403 with the RFC 6750 insufficient_scope challenge (without a scope attribute: either one
 * suffices, which the attribute, a list of what is required, cannot say).
 */
export function payrollReader(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
  const held = permissionsOf(request.auth?.scope);
  if (held.has(PAYROLL_PERMISSIONS.read) || held.has(PAYROLL_PERMISSIONS.readSelf)) {
    done();
    return;
  }
  done(
    new ForbiddenError('payroll read refused', {
      detail: `The access token lacks the ${PAYROLL_PERMISSIONS.read} or ${PAYROLL_PERMISSIONS.readSelf} permission.`,
    }),
  );
}
