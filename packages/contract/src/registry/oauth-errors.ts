/**
 * The error codes of the OAuth endpoints (/oauth/*), answered in their RFCs' own JSON
 * ({"error","error_description"}), never as problem+json, each declared once with its status:
 * RFC 6749 §5.2 (400, invalid_client 401 with a Basic challenge), RFC 8707's invalid_target,
 * RFC 7009's unsupported_token_type, RFC 9449's DPoP errors, and RFC 6749 §4.1.2.1's two for
 * the server's own trouble. A code shared with the problem registry means the same there.
 */
export interface OAuthErrorEntry {
  readonly status: number;
  readonly meaning: string;
}

export const OAUTH_ERRORS = {
  invalid_request: {
    status: 400,
    meaning: 'A parameter is missing, repeated or malformed, or the body is not form-encoded.',
  },
  invalid_client: {
    status: 401,
    meaning: 'Client authentication failed (unknown, disabled, wrong secret or key): one answer for all.',
  },
  invalid_grant: { status: 400, meaning: "The refresh token is invalid, expired, revoked or another client's." },
  unauthorized_client: { status: 400, meaning: 'This client may not use this grant or endpoint.' },
  unsupported_grant_type: { status: 400, meaning: 'Supported grant types: client_credentials, refresh_token.' },
  invalid_scope: { status: 400, meaning: 'The scope is malformed, empty, or more than the client may have.' },
  invalid_target: {
    status: 400,
    meaning: "RFC 8707: the resource is not an absolute URI, or not among the client's audiences.",
  },
  unsupported_token_type: {
    status: 400,
    meaning: 'RFC 7009: the token_type_hint names a type this server does not revoke.',
  },
  invalid_dpop_proof: { status: 400, meaning: 'RFC 9449 §5: the DPoP proof of the token request is invalid.' },
  use_dpop_nonce: { status: 400, meaning: 'RFC 9449 §8: retry with the nonce of the DPoP-Nonce header.' },
  temporarily_unavailable: {
    status: 503,
    meaning: 'A rate limit or a backing service: retry after Retry-After (429) or shortly (503).',
  },
  server_error: { status: 500, meaning: 'A defect on the server.' },
} as const satisfies Record<string, OAuthErrorEntry>;

export type OAuthErrorCode = keyof typeof OAUTH_ERRORS;

/** Each OAuth error code by name (`OAUTH_ERROR.invalid_client === 'invalid_client'`). */
export const OAUTH_ERROR = Object.fromEntries(Object.keys(OAUTH_ERRORS).map((code) => [code, code])) as {
  readonly [C in OAuthErrorCode]: C;
};

/** OAuth error codes withdrawn: never registered again. */
export const RETIRED_OAUTH_ERRORS: readonly string[] = [];
