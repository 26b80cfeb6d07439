import { ForbiddenError } from './errors.js';
import { createStepUpCheck, type StepUpRequirement } from './step-up.js';
import type { AccessTokenClaims } from './types.js';
import type { Verifier } from './verifier.js';

export interface RequireAuthOptions {
  /** The token's `role` must be one of these. */
  roles?: readonly string[];
  /** Every one of these must be in the token's space-separated `scope`. */
  scopes?: readonly string[];
  /** RFC 9470: the login must have used this method and be this recent (401 insufficient_user_authentication). */
  stepUp?: StepUpRequirement;
}

/**
 * The role and scope rule of a route, checked after verification: throws ForbiddenError (403)
 * when the claims do not satisfy it. Shared by the Fastify hook and the node:http middleware.
 */
export function createAuthorizer(options: RequireAuthOptions, label: string): (claims: AccessTokenClaims) => void {
  const roles = listOption(options.roles, 'roles', label);
  const scopes = listOption(options.scopes, 'scopes', label);
  const stepUp = options.stepUp === undefined ? null : createStepUpCheck(options.stepUp, label);
  return (claims) => {
    if (roles !== null && !(typeof claims.role === 'string' && roles.includes(claims.role))) {
      throw new ForbiddenError('role not permitted', { detail: 'Your role may not do this.' });
    }
    if (scopes !== null && !hasScopes(claims.scope, scopes)) {
      throw new ForbiddenError('insufficient scope', { detail: 'The access token lacks a required scope.' });
    }
    stepUp?.(claims);
  };
}

/** A TypeError at set-up rather than a 500 per request. */
export function assertVerifier(verifier: unknown, label: string): asserts verifier is Verifier {
  const candidate = verifier as Partial<Verifier> | null | undefined;
  if (typeof candidate?.verify !== 'function' || typeof candidate.verifyAsync !== 'function') {
    throw new TypeError(`${label}: the verifier must come from createVerifier (verify and verifyAsync)`);
  }
}

function listOption(list: readonly string[] | undefined, name: string, label: string): readonly string[] | null {
  if (list === undefined) return null;
  if (!Array.isArray(list) || list.length === 0 || !list.every((item) => typeof item === 'string' && item !== '')) {
    throw new TypeError(`${label}: ${name} must be a non-empty list of names`);
  }
  return [...list];
}

function hasScopes(scope: unknown, required: readonly string[]): boolean {
  if (typeof scope !== 'string') return false;
  const granted = scope.split(' ');
  return required.every((s) => granted.includes(s));
}
