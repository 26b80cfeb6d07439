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
    super({ status: 0, code: 'network_error', title: 'Network error', detail: 'The server could not be reached.' }, { cause });
    this.name = 'BulwarkNetworkError';
  }
}

/**
 * 401 `insufficient_user_authentication` (RFC 9470 step-up): the token is valid but its login is
 * too weak or too old for this request. The tab stays signed in; sign in again (both steps) to go on.
 */
export class BulwarkStepUpRequiredError extends BulwarkProblemError {
  constructor(fields: ProblemFields) {
    super(fields);
    this.name = 'BulwarkStepUpRequiredError';
  }
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
  return new (code === CODE.insufficient_user_authentication ? BulwarkStepUpRequiredError : BulwarkProblemError)({
    status: res.status,
    code,
    title: text(body.title) ?? (res.statusText || `HTTP ${res.status}`),
    type: text(body.type),
    detail: text(body.detail),
    retryAfter: parseRetryAfter(res.headers.get('retry-after')),
  });
}

/** Retry-After is either delay-seconds or an HTTP-date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}
