import { CODE } from './codes.js';

/** The fields of a problem+json answer (RFC 9457) the client keeps. */
export interface ProblemFields {
  status: number;
  code: string;
  title: string;
  type?: string | undefined;
  detail?: string | undefined;
  retryAfter?: number | undefined;
}

/** An application/problem+json answer (RFC 9457) with Bulwark's stable `code`. */
export class BulwarkProblemError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly type: string;
  readonly detail: string | undefined;
  /** Seconds to wait before trying again (from Retry-After), when the server said so. */
  readonly retryAfter: number | undefined;

  constructor(fields: ProblemFields, options?: { cause?: unknown }) {
    super(fields.detail ?? fields.title, options);
    this.name = 'BulwarkProblemError';
    this.status = fields.status;
    this.code = fields.code;
    this.title = fields.title;
    this.type = fields.type ?? 'about:blank';
    this.detail = fields.detail;
    this.retryAfter = fields.retryAfter;
  }
}

/** The server could not be reached (offline, DNS, CORS, connection reset): status 0, code network_error. */
export class BulwarkNetworkError extends BulwarkProblemError {
  constructor(cause: unknown) {
    super(
      { status: 0, code: 'network_error', title: 'Network error', detail: 'The server could not be reached.' },
      { cause },
    );
    this.name = 'BulwarkNetworkError';
  }
}

/**
 * 401 `insufficient_user_authentication` (RFC 9470 step-up): the token is valid but its login is
 * too weak or too old for this request. The tab stays signed in; sign in again (both steps) to go on.
 */
export class BulwarkStepUpRequiredError extends BulwarkProblemError {
  /** The challenge's max_age: a login at most this many seconds old will do (from WWW-Authenticate). */
  readonly maxAgeSeconds: number | undefined;
  /**
   * True when only the login's age fell short (any fresh sign-in will do: a password or a passkey,
   * e.g. before adding or removing a passkey); false when it also needs a second factor.
   */
  readonly tooOld: boolean;

  constructor(fields: ProblemFields, challenge: StepUpChallenge = { maxAgeSeconds: undefined, tooOld: false }) {
    super(fields);
    this.name = 'BulwarkStepUpRequiredError';
    this.maxAgeSeconds = challenge.maxAgeSeconds;
    this.tooOld = challenge.tooOld;
  }
}

/** What an RFC 9470 challenge (WWW-Authenticate) says beyond the problem body. */
export interface StepUpChallenge {
  maxAgeSeconds: number | undefined;
  tooOld: boolean;
}

/** Reads max_age and the fixed error_description of an RFC 9470 Bearer challenge. */
export function parseStepUpChallenge(header: string | null): StepUpChallenge {
  const maxAge = header === null ? null : /(?:^|[\s,])max_age="?(\d+)"?/.exec(header);
  return {
    maxAgeSeconds: maxAge === null ? undefined : Number(maxAge[1]),
    tooOld: header !== null && /error_description="More recent authentication is required"/.test(header),
  };
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Reads a non-2xx answer into a BulwarkProblemError; a body that is not problem JSON still gives one. */
export async function problemFromResponse(res: Response): Promise<BulwarkProblemError> {
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = await res.json();
    if (parsed !== null && typeof parsed === 'object') body = parsed as Record<string, unknown>;
  } catch {
    // Not JSON (a proxy's HTML page, an empty body): the status alone describes it.
  }
  const code = text(body.code) ?? 'http_error';
  const fields: ProblemFields = {
    status: res.status,
    code,
    title: text(body.title) ?? (res.statusText || `HTTP ${res.status}`),
    type: text(body.type),
    detail: text(body.detail),
    retryAfter: parseRetryAfter(res.headers.get('retry-after')),
  };
  if (code === CODE.insufficient_user_authentication)
    return new BulwarkStepUpRequiredError(fields, parseStepUpChallenge(res.headers.get('www-authenticate')));
  return new BulwarkProblemError(fields);
}

/** Retry-After is either delay-seconds or an HTTP-date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}
