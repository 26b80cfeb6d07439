import { PROBLEM_CODE, PROBLEMS } from '@bulwark/contract/registry';
import { BulwarkError } from '@bulwark/guard';

/**
 * A token request's refusals of its target (issue #18, contract §15.5): what API and which of its
 * permissions. The OAuth endpoint renders them in RFC 6749 / RFC 8707 form (invalid_target,
 * invalid_scope); the JSON endpoints as problem+json with these codes.
 */

/** RFC 8707: the resource is malformed, repeated, or no registered API. */
export class InvalidTargetError extends BulwarkError {
  readonly code = PROBLEM_CODE.invalid_target;
  readonly status = PROBLEMS.invalid_target.status;
}

/** The scope is malformed, or names a permission the caller does not hold at that API. */
export class InvalidScopeError extends BulwarkError {
  readonly code = PROBLEM_CODE.invalid_scope;
  readonly status = PROBLEMS.invalid_scope.status;
}

/** The caller holds nothing at the API: no token with an empty scope is ever issued. */
export class ResourceNotGrantedError extends BulwarkError {
  readonly code = PROBLEM_CODE.resource_not_granted;
  readonly status = PROBLEMS.resource_not_granted.status;
}

/** The token would exceed ACCESS_TOKEN_MAX_BYTES. */
export class TokenTooLargeError extends BulwarkError {
  readonly code = PROBLEM_CODE.token_too_large;
  readonly status = PROBLEMS.token_too_large.status;
}
