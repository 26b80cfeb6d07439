import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { ROLES } from '@bulwark/contract/registry';
import { ForbiddenError } from '../../errors/index.js';
import { isMachineReader } from './viewer.js';

/** Every role reads payroll (what each sees is the services' business). */
const READER_ROLES: readonly string[] = ROLES;

/**
 * Who may read payroll, checked after requireAuth(): a person of any payroll role, or a machine
 * (an RFC 9068 client-credentials token: no role) granted payroll:read. Machines never write:
 * the write routes require the admin role, which no client token carries.
 */
export function payrollReader(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
  const claims = request.auth;
  const role = claims?.role;
  if ((typeof role === 'string' && READER_ROLES.includes(role)) || (claims !== null && isMachineReader(claims))) {
    done();
    return;
  }
  done(
    new ForbiddenError('payroll read refused', {
      detail: role === undefined ? 'The access token lacks the payroll:read scope.' : 'Your role may not do this.',
    }),
  );
}
