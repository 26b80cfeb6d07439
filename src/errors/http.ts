import { BulwarkError } from '@bulwark/guard';
export { ForbiddenError } from '@bulwark/guard';

/** A request the server will not process as sent: bad JSON, schema violation, unknown field. */
export class InvalidRequestError extends BulwarkError {
  readonly code = 'invalid_request';
  readonly status = 400;
}

/** Wrong username or password; identical for unknown users. */
export class InvalidCredentialsError extends BulwarkError {
  readonly code = 'invalid_credentials';
  readonly status = 401;
  constructor() {
    super('invalid username or password', { detail: 'The username or password is incorrect.' });
  }
}

/** A refresh token that is unknown, used, expired or revoked. One answer for all of them. */
export class InvalidGrantError extends BulwarkError {
  readonly code = 'invalid_grant';
  readonly status = 401;
  constructor(reason: string) {
    super(`refresh rejected: ${reason}`, { detail: 'The refresh token is invalid, expired or revoked.' });
  }
}


/** A request that reached the app over plain HTTP where only HTTPS is served (production behind
 *  a TLS proxy: X-Forwarded-Proto is not `https`). */
export class HttpsRequiredError extends BulwarkError {
  readonly code = 'https_required';
  readonly status = 403;
  constructor() {
    super('plain HTTP request refused', { detail: 'This API is served over HTTPS only.' });
  }
}

export class NotFoundError extends BulwarkError {
  readonly code = 'not_found';
  readonly status = 404;
  constructor(what = 'resource') {
    super(`${what} not found`, { detail: 'The requested resource does not exist.' });
  }
}

export class ConflictError extends BulwarkError {
  readonly code = 'conflict';
  readonly status = 409;
}

export class PayloadTooLargeError extends BulwarkError {
  readonly code = 'payload_too_large';
  readonly status = 413;
}

/** A request target (path + query) longer than the server accepts. */
export class UriTooLongError extends BulwarkError {
  readonly code = 'uri_too_long';
  readonly status = 414;
}

export class UnsupportedMediaTypeError extends BulwarkError {
  readonly code = 'unsupported_media_type';
  readonly status = 415;
}

/** Same Idempotency-Key presented with a different request body. */
export class IdempotencyKeyReusedError extends BulwarkError {
  readonly code = 'idempotency_key_reused';
  readonly status = 422;
}

export class TooManyRequestsError extends BulwarkError {
  readonly code = 'too_many_requests';
  readonly status = 429;
  constructor(readonly retryAfterSeconds: number) {
    super('rate limit exceeded', { detail: `Too many requests; retry after ${retryAfterSeconds} s.` });
  }
}

/** Retry-After of every 503: a database or Redis outage, a full password queue, a closing server. */
export const SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS = 2;

/** A dependency (database, Redis) cannot serve the request right now. */
export class ServiceUnavailableError extends BulwarkError {
  readonly code = 'service_unavailable';
  readonly status = 503;
  readonly retryAfterSeconds: number = SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS;
}
