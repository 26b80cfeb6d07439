import { ForbiddenError, InsufficientScopeError } from '../errors.js';
import { createStepUpCheck, type StepUpRequirement } from './step-up.js';
import type { AccessTokenClaims } from '../types.js';
import type { Verifier } from '../verifier/verifier.js';

/** A route's rule beyond a valid token: roles, scopes and step-up; the same in every adapter. */
export interface RequireAuthOptions {
  /**
   * The token must carry one of these roles: in its RFC 9068 `roles` claim (a list: every role
   * granting something at this API), or as its legacy `role` (a string).
   */
  roles?: readonly string[];
  /**
   * Every one of these must be in the token's space-separated `scope`. RFC 6749 scope-tokens
   * (printable ASCII without space, double quote or backslash): they are named in the 403's challenge.
   */
  scopes?: readonly string[];
  /** RFC 9470: the login must have used this method and be this recent (401 insufficient_user_authentication). */
  stepUp?: StepUpRequirement;
}

/**
 * The role and scope rule of a route, checked after verification: throws ForbiddenError (403)
 * when the claims do not satisfy it (InsufficientScopeError for a missing scope). Shared by every adapter.
 */
export function createAuthorizer(options: RequireAuthOptions, label: string): (claims: AccessTokenClaims) => void {
  const roles = listOption(options.roles, 'roles', label);
  const scopes = listOption(options.scopes, 'scopes', label);
  if (scopes !== null && !scopes.every((s) => SCOPE_TOKEN.test(s))) {
    throw new TypeError(
      `${label}: scopes must be RFC 6749 scope-tokens (printable ASCII, no space, quote or backslash)`,
    );
  }
  const requiredScope = scopes?.join(' ') ?? '';
  const stepUp = options.stepUp === undefined ? null : createStepUpCheck(options.stepUp, label);
  return (claims) => {
    if (roles !== null && !holdsRole(claims, roles)) {
      throw new ForbiddenError('role not permitted', { detail: 'Your role may not do this.' });
    }
    if (scopes !== null && !hasScopes(claims.scope, scopes)) {
      throw new InsufficientScopeError(requiredScope);
    }
    stepUp?.(claims);
  };
}

/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

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

function holdsRole(claims: AccessTokenClaims, roles: readonly string[]): boolean {
  if (typeof claims.role === 'string' && roles.includes(claims.role)) return true;
  const held = claims.roles;
  return Array.isArray(held) && held.some((r) => typeof r === 'string' && roles.includes(r));
}

function hasScopes(scope: unknown, required: readonly string[]): boolean {
  if (typeof scope !== 'string') return false;
  const granted = scope.split(' ');
  return required.every((s) => granted.includes(s));
}
