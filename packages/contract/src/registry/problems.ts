/**
 * The problem-code registry: every stable `code` a client can meet in a problem+json body (RFC
 * 9457), declared once with its HTTP status, its title and its meaning. The server's error
 * classes, its problem bodies, the metrics labels, the OpenAPI text, the SDK and the console read
 * it; a test (test/hardening/problem-codes.test.ts) fails when a code string is written anywhere
 * else. Plain constants, no dependency: browsers may import it.
 */
export interface ProblemEntry {
  readonly status: number;
  /** The problem's `title`: the status's reason phrase, the same for every code of a status. */
  readonly title: string;
  readonly meaning: string;
}

export const PROBLEMS = {
  invalid_request: {
    status: 400,
    title: 'Bad Request',
    meaning: 'The request is malformed or fails validation: body, query, path, headers.',
  },
  invalid_credentials: {
    status: 401,
    title: 'Unauthorized',
    meaning: 'Wrong username or password, or a disabled user: the same answer for all three.',
  },
  invalid_grant: {
    status: 401,
    title: 'Unauthorized',
    meaning: 'The refresh token is unknown, already used, expired or revoked.',
  },
  invalid_token: {
    status: 401,
    title: 'Unauthorized',
    meaning:
      'The access token is missing, malformed, forged, of an unknown key or another issuer/audience, or revoked.',
  },
  token_expired: { status: 401, title: 'Unauthorized', meaning: 'The access token has expired: refresh it.' },
  invalid_dpop_proof: {
    status: 401,
    title: 'Unauthorized',
    meaning:
      'RFC 9449: the DPoP proof is missing, malformed, replayed, too old, for another method or URL, or of another key than the token or refresh token is bound to.',
  },
  use_dpop_nonce: {
    status: 401,
    title: 'Unauthorized',
    meaning: 'RFC 9449 §9: retry with a DPoP proof carrying the nonce of the DPoP-Nonce header.',
  },
  mfa_required: {
    status: 401,
    title: 'Unauthorized',
    meaning:
      "The password was right; finish the login at POST /api/users-sessions/mfa with the body's mfa_token and a TOTP or recovery code.",
  },
  password_change_required: {
    status: 401,
    title: 'Unauthorized',
    meaning:
      "The password was reset by an admin; finish the login at POST /api/users-sessions/password-change with the body's password_change_token and a new password.",
  },
  invalid_login_token: {
    status: 401,
    title: 'Unauthorized',
    meaning:
      'The mfa_token or password_change_token is unknown, expired, already used or spent on wrong codes: log in again.',
  },
  invalid_mfa_code: {
    status: 401,
    title: 'Unauthorized',
    meaning: 'The TOTP or recovery code is wrong, or was already used.',
  },
  insufficient_user_authentication: {
    status: 401,
    title: 'Unauthorized',
    meaning:
      'RFC 9470: this needs a login with a second factor (amr otp, or a passkey: hwk/swk) within max_age seconds, or (adding or removing a passkey or TOTP) any login within max_age seconds; log in again.',
  },
  invalid_passkey: {
    status: 401,
    title: 'Unauthorized',
    meaning:
      'The passkey sign-in was refused: unknown passkey, bad signature, wrong origin or RP ID, no user verification, or a signature counter that did not grow.',
  },
  invalid_passkey_challenge: {
    status: 400,
    title: 'Bad Request',
    meaning:
      'The passkey response signed a challenge that is unknown, expired, already used, or of another ceremony or account: start again.',
  },
  invalid_passkey_registration: {
    status: 400,
    title: 'Bad Request',
    meaning:
      'The new passkey could not be verified: wrong origin or RP ID, no user verification, or a malformed response.',
  },
  link_invalid: {
    status: 400,
    title: 'Bad Request',
    meaning: "A mailed link's token is unknown, forged or for another flow: ask for a new link.",
  },
  link_expired: { status: 410, title: 'Gone', meaning: "A mailed link's lifetime is over: ask for a new link." },
  link_used: { status: 410, title: 'Gone', meaning: 'A mailed link was already used, or a newer one replaced it.' },
  link_wrong_account: {
    status: 403,
    title: 'Forbidden',
    meaning: 'A mailed link belongs to another account than the signed-in caller.',
  },
  signup_closed: {
    status: 403,
    title: 'Forbidden',
    meaning: 'BULWARK_SIGNUP does not let this caller sign up or invite.',
  },
  mail_unavailable: {
    status: 503,
    title: 'Service Unavailable',
    meaning: 'The server has no SMTP server configured (production), so flows that send mail are off.',
  },
  unknown_api: {
    status: 400,
    title: 'Bad Request',
    meaning: 'A role or client names an API identifier that is not registered (GET /api/apis).',
  },
  unknown_permission: {
    status: 400,
    title: 'Bad Request',
    meaning: 'A role or client names a permission that its API does not declare.',
  },
  unknown_role: {
    status: 400,
    title: 'Bad Request',
    meaning: 'A role name given for a user is not a role (GET /api/roles).',
  },
  api_in_use: {
    status: 409,
    title: 'Conflict',
    meaning:
      'The API, or a permission being removed from it, is still granted by a role or to a client: remove those grants first.',
  },
  registry_built_in: {
    status: 409,
    title: 'Conflict',
    meaning: "Bulwark's own API, the default API and the legacy roles (admin, clerk, employee) cannot be deleted.",
  },
  registry_limit: {
    status: 409,
    title: 'Conflict',
    meaning: 'The registry holds as many APIs or roles as it may (docs/contract.md §15): delete one first.',
  },
  invalid_target: {
    status: 400,
    title: 'Bad Request',
    meaning:
      'RFC 8707: the `resource` of a login or refresh is malformed, repeated, or no registered API (GET /api/apis).',
  },
  invalid_scope: {
    status: 400,
    title: 'Bad Request',
    meaning: 'The `scope` of a login or refresh is malformed, or asks for a permission the user does not hold there.',
  },
  resource_not_granted: {
    status: 403,
    title: 'Forbidden',
    meaning: 'The user holds no permission at the API asked for (or at the default API): no token is issued for it.',
  },
  token_too_large: {
    status: 400,
    title: 'Bad Request',
    meaning:
      'The access token would exceed ACCESS_TOKEN_MAX_BYTES (its scope, roles and attribute claims): ask for a narrower scope.',
  },
  forbidden: { status: 403, title: 'Forbidden', meaning: 'The token is valid but its role may not do this.' },
  https_required: {
    status: 403,
    title: 'Forbidden',
    meaning: 'The request did not arrive over HTTPS (behind a proxy: X-Forwarded-Proto).',
  },
  not_found: { status: 404, title: 'Not Found', meaning: 'No such route, or no such resource visible to the caller.' },
  request_timeout: { status: 408, title: 'Request Timeout', meaning: 'The request was not received in time.' },
  conflict: {
    status: 409,
    title: 'Conflict',
    meaning:
      'The resource is in a state that forbids this (a username taken, a payment already reversed, a key rotation pending).',
  },
  payload_too_large: { status: 413, title: 'Content Too Large', meaning: 'The request body is too large.' },
  uri_too_long: { status: 414, title: 'URI Too Long', meaning: 'The request URL is too long.' },
  unsupported_media_type: {
    status: 415,
    title: 'Unsupported Media Type',
    meaning: 'The body is not application/json.',
  },
  idempotency_key_reused: {
    status: 422,
    title: 'Unprocessable Content',
    meaning: 'This Idempotency-Key was used with another request body.',
  },
  too_many_requests: {
    status: 429,
    title: 'Too Many Requests',
    meaning: "A rate limit was reached: retry after the Retry-After header's seconds.",
  },
  header_too_large: {
    status: 431,
    title: 'Request Header Fields Too Large',
    meaning: 'The request header section is too large.',
  },
  internal_error: {
    status: 500,
    title: 'Internal Server Error',
    meaning: 'A defect on the server: never the answer to bad input.',
  },
  invalid_key: {
    status: 500,
    title: 'Internal Server Error',
    meaning: "The server's own signing key is misconfigured.",
  },
  service_unavailable: {
    status: 503,
    title: 'Service Unavailable',
    meaning:
      "A backing service (database) does not answer, or the server is too busy checking passwords or DPoP proofs (its replay cache is full): retry after the Retry-After header's seconds.",
  },
  jwks_unavailable: {
    status: 503,
    title: 'Service Unavailable',
    meaning: 'The guard has no keys from the token service yet (services that embed the guard).',
  },
} as const satisfies Record<string, ProblemEntry>;

export type ProblemCode = keyof typeof PROBLEMS;

/**
 * Codes once answered and since withdrawn: never registered again with another meaning (a client
 * written against the old one would misread it). A test holds the two lists apart.
 */
export const RETIRED_PROBLEM_CODES: readonly string[] = [];

/** Each code by name (`PROBLEM_CODE.not_found === 'not_found'`), so code names a code without writing its string again. */
export const PROBLEM_CODE = Object.fromEntries(Object.keys(PROBLEMS).map((code) => [code, code])) as {
  readonly [C in ProblemCode]: C;
};
