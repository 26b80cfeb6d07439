/**
 * The fixed names of the API registry (issue #18), plain constants so browsers, the CLI and the
 * server read one list: Bulwark's own API and its permissions, and the claim names an API may
 * never map a user attribute to.
 */

/** Bulwark's own admin API as a registered API: its identifier (an RFC 8707 resource, a URN). */
export const BULWARK_API = 'urn:bulwark:api';

/**
 * The permissions of Bulwark's own API. Its admin endpoints check these against the registry at
 * the call (the caller's roles, or a client's grants), not a role name.
 */
export const BULWARK_PERMISSIONS = {
  'users:read': 'List and read users, their roles, sessions and passkeys',
  'users:write': 'Create and change users, their roles and attributes; unlock them, reset their passwords',
  'roles:read': 'List and read roles',
  'roles:write': 'Create, change and delete roles',
  'apis:read': 'List and read registered APIs',
  'apis:write': 'Register, change and delete APIs',
  'clients:read': 'List and read OAuth clients',
  'clients:write': 'Create and change OAuth clients, rotate their secrets',
  'keys:read': 'List signing keys',
  'keys:write': 'Rotate and remove signing keys',
  'sessions:read': "List users' sessions",
  'sessions:write': "End users' sessions",
  'audit:read': 'Read the audit log',
  'ssf:poll': 'Read the security event feed (machine clients)',
} as const;

export type BulwarkPermission = keyof typeof BULWARK_PERMISSIONS;

/** Each permission by name, so code names one without writing its string again. */
export const BULWARK_PERMISSION = Object.fromEntries(Object.keys(BULWARK_PERMISSIONS).map((p) => [p, p])) as {
  readonly [P in BulwarkPermission]: P;
};

/**
 * The payroll API's permissions (RFC 6749 scope-tokens in its tokens' `scope`), as the payroll
 * module registers and checks them and the console shows its views by them. Payroll decides by
 * these, never by a role's name: any role an administrator makes that grants them works the same
 * as the demo's admin, clerk and employee roles.
 */
export const PAYROLL_PERMISSIONS = {
  /** Every employee and payment, bank accounts masked unless `write` is held too. */
  read: 'payroll:read',
  /** Create and change employees, issue and reverse payments (with step-up when configured). */
  write: 'payroll:write',
  /** The own employee record and payments (the token's `employee_id`). */
  readSelf: 'payroll:read:self',
} as const;

/**
 * Claim names no user attribute may become: the registered JWT claims (RFC 7519 §4.1), those of
 * RFC 9068, 9449, 8693, 8176, 9470 and OpenID Connect that Bulwark or a verifier reads, and
 * Bulwark's own legacy `role`. (`employee_id` is not among them: since 0013 it is payroll's user
 * attribute, which the payroll API lists among its claims, EMPLOYEE_LINK_ATTRIBUTE.)
 */
export const RESERVED_CLAIM_NAMES: readonly string[] = [
  'iss',
  'sub',
  'aud',
  'exp',
  'nbf',
  'iat',
  'jti',
  'scope',
  'scp',
  'roles',
  'role',
  'groups',
  'entitlements',
  'client_id',
  'cnf',
  'amr',
  'acr',
  'auth_time',
  'sid',
  'act',
  'may_act',
  'azp',
  'nonce',
  'at_hash',
  'c_hash',
  'typ',
  'cty',
  'alg',
  'kid',
  'jwk',
  'events',
  'txn',
  'toe',
];
