/**
 * The bounds the public shapes carry (a client meets them as 400 invalid_request): declared here
 * because the schemas state them; the server's checks read the same constants.
 */

/** Pagination: the largest page a client may ask for, and the page it gets when it asks for none. */
export const PAGE_LIMITS = { maxPageSize: 100, defaultPageSize: 20 } as const;

/** The password policy's upper bound (characters); the schemas bound the raw text at 4× for the body limit only. */
export const PASSWORD_MAX_LENGTH = 256;

/** RFC 5321 §4.5.3.1.3: a path holds at most 256 octets, so an email address at most 254. */
export const EMAIL_MAX_LENGTH = 254;

/** Bounds of payroll values: beyond them a value is a mistake or an attack, never real. */
export const PAYROLL_LIMITS = {
  /** One payment: at most 100,000,000.00 in major units. */
  maxAmountCents: 10_000_000_000,
  /** A yearly salary: at most 100,000,000.00 in major units. */
  maxSalaryCents: 10_000_000_000,
  textLength: 200,
  memoLength: 500,
  emailLength: 254,
  /** Lines of GET /api/payments/totals (periods × currencies): 20 years of months in 5 currencies. */
  maxTotalsRows: 1200,
  /** An employee name search (`q`). */
  searchLength: 100,
} as const;

/** Bounds of an OAuth client's registration. */
export const CLIENT_LIMITS = { scopes: 20, audiences: 10, keys: 10, nameLength: 100, uriLength: 2048 } as const;

/** JSON-schema patterns for `YYYY-MM-DD` dates and `YYYY-MM` pay periods (the server's checks decide the calendar). */
export const DATE_PATTERN = '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$';
export const PERIOD_PATTERN = '^[0-9]{4}-(0[1-9]|1[0-2])$';

/** Passkeys (contract §11): how long a ceremony may take, how many one account holds, a name's length. */
export const PASSKEY_LIMITS = { challengeTtlSeconds: 300, maxPerUser: 20, nameMaxLength: 64 } as const;

/**
 * Bounds of the API registry (issue #18): APIs, their permissions, roles, and user attributes.
 * `attributesBytes` is the attributes object's UTF-8 JSON size.
 */
export const REGISTRY_LIMITS = {
  nameLength: 100,
  descriptionLength: 200,
  permissionLength: 100,
  permissionsPerApi: 100,
  claimsPerApi: 20,
  roles: 1000,
  permissionsPerRole: 500,
  rolesPerUser: 50,
  attributes: 20,
  attributesBytes: 2048,
  /** Apis the registry holds (a sanity bound: each is in every instance's memory). */
  apis: 1000,
} as const;

/** RFC 6749 §3.3 scope-token: printable ASCII without space, `"` or `\`. */
export const SCOPE_TOKEN_PATTERN = '^[\\x21\\x23-\\x5B\\x5D-\\x7E]+$';
/** A role's name. */
export const ROLE_NAME_PATTERN = '^[a-z][a-z0-9_-]{0,63}$';
/** A user attribute's name, and so the claim it may become. */
export const ATTRIBUTE_NAME_PATTERN = '^[a-z][a-z0-9_]{0,63}$';

/**
 * The largest access token Bulwark issues, in bytes of its compact form (JWS, or JWE when tokens
 * are encrypted): it travels in an Authorization header, which proxies commonly cap at 4-8 KiB.
 * A login or refresh whose token would be larger (many permissions, roles or attribute claims) is
 * refused with 400 token_too_large.
 */
export const ACCESS_TOKEN_MAX_BYTES = 4096;

/** RFC 8707 `resource` and RFC 6749 `scope` of a token request: their longest accepted text. */
export const TOKEN_REQUEST_LIMITS = { resourceLength: 2048, scopeLength: 4096 } as const;
