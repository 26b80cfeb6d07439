import { PROBLEM_CODE, PROBLEMS } from '@bulwark/contract/registry';
import { BulwarkError } from '@bulwark/guard';

/** The API registry's refusals (issue #18): codes and statuses from the registry. */

/** A role or client names an API identifier that is not registered. */
export class UnknownApiError extends BulwarkError {
  readonly code = PROBLEM_CODE.unknown_api;
  readonly status = PROBLEMS.unknown_api.status;
}

/** A role or client names a permission its API does not declare. */
export class UnknownPermissionError extends BulwarkError {
  readonly code = PROBLEM_CODE.unknown_permission;
  readonly status = PROBLEMS.unknown_permission.status;
}

/** A role name given for a user is not a role. */
export class UnknownRoleError extends BulwarkError {
  readonly code = PROBLEM_CODE.unknown_role;
  readonly status = PROBLEMS.unknown_role.status;
}

/** The API (or a permission being removed) is still granted by a role or to a client. */
export class ApiInUseError extends BulwarkError {
  readonly code = PROBLEM_CODE.api_in_use;
  readonly status = PROBLEMS.api_in_use.status;
}

/** Bulwark's own API, the default API and the legacy roles are not deleted. */
export class BuiltInError extends BulwarkError {
  readonly code = PROBLEM_CODE.registry_built_in;
  readonly status = PROBLEMS.registry_built_in.status;
}

/** The registry holds as many APIs or roles as it may. */
export class RegistryLimitError extends BulwarkError {
  readonly code = PROBLEM_CODE.registry_limit;
  readonly status = PROBLEMS.registry_limit.status;
}
