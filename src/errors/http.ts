import { PROBLEM_CODE, PROBLEMS } from '@bulwark/contract/registry';
import { BulwarkError } from '@bulwark/guard';
export { ForbiddenError } from '@bulwark/guard';

/** A request the server will not process as sent: bad JSON, schema violation, unknown field. */
export class InvalidRequestError extends BulwarkError {
  readonly code = PROBLEM_CODE.invalid_request;
  readonly status = PROBLEMS.invalid_request.status;
}

/** Wrong username or password; identical for unknown users. */
export class InvalidCredentialsError extends BulwarkError {
  readonly code = PROBLEM_CODE.invalid_credentials;
  readonly status = PROBLEMS.invalid_credentials.status;
  constructor() {
    super('invalid username or password', { detail: 'The username or password is incorrect.' });
  }
}

/** A refresh token that is unknown, used, expired or revoked. One answer for all of them. */
export class InvalidGrantError extends BulwarkError {
  readonly code = PROBLEM_CODE.invalid_grant;
  readonly status = PROBLEMS.invalid_grant.status;
  constructor(reason: string) {
    super(`refresh rejected: ${reason}`, { detail: 'The refresh token is invalid, expired or revoked.' });
  }
}

/** A request that reached the app over plain HTTP where only HTTPS is served (production behind
 *  a TLS proxy: X-Forwarded-Proto is not `https`). */
export class HttpsRequiredError extends BulwarkError {
  readonly code = PROBLEM_CODE.https_required;
  readonly status = PROBLEMS.https_required.status;
  constructor() {
    super('plain HTTP request refused', { detail: 'This API is served over HTTPS only.' });
  }
}

export class NotFoundError extends BulwarkError {
  readonly code = PROBLEM_CODE.not_found;
  readonly status = PROBLEMS.not_found.status;
  constructor(what = 'resource') {
    super(`${what} not found`, { detail: 'The requested resource does not exist.' });
  }
}

export class ConflictError extends BulwarkError {
  readonly code = PROBLEM_CODE.conflict;
  readonly status = PROBLEMS.conflict.status;
}

export class PayloadTooLargeError extends BulwarkError {
  readonly code = PROBLEM_CODE.payload_too_large;
  readonly status = PROBLEMS.payload_too_large.status;
}

/** A request target (path + query) longer than the server accepts. */
export class UriTooLongError extends BulwarkError {
  readonly code = PROBLEM_CODE.uri_too_long;
  readonly status = PROBLEMS.uri_too_long.status;
}

export class UnsupportedMediaTypeError extends BulwarkError {
  readonly code = PROBLEM_CODE.unsupported_media_type;
  readonly status = PROBLEMS.unsupported_media_type.status;
}

/** Same Idempotency-Key presented with a different request body. */
export class IdempotencyKeyReusedError extends BulwarkError {
  readonly code = PROBLEM_CODE.idempotency_key_reused;
  readonly status = PROBLEMS.idempotency_key_reused.status;
}

export class TooManyRequestsError extends BulwarkError {
  readonly code = PROBLEM_CODE.too_many_requests;
  readonly status = PROBLEMS.too_many_requests.status;
  constructor(readonly retryAfterSeconds: number) {
    super('rate limit exceeded', { detail: `Too many requests; retry after ${retryAfterSeconds} s.` });
  }
}

/** Retry-After of every 503: a database or Redis outage, a full password queue, a closing server. */
export const SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS = 2;

/** A dependency (database, Redis) cannot serve the request right now. */
export class ServiceUnavailableError extends BulwarkError {
  readonly code = PROBLEM_CODE.service_unavailable;
  readonly status = PROBLEMS.service_unavailable.status;
  readonly retryAfterSeconds: number = SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS;
}
