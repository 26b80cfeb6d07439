import { Type, type Static } from 'typebox';
import { REGISTRY_LIMITS, TOKEN_REQUEST_LIMITS } from './limits.js';
import { closed, DateTime, EmployeeLink, NullableDate, NullableText, Password, RoleSchema } from './shared.js';

/** One attribute's value: a string, number, boolean or null, or a list of those. */
const AttributeScalar = Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]);

/**
 * Admin-set facts about a user (issue #18) that an API may carry as claims: at most
 * REGISTRY_LIMITS.attributes names of ATTRIBUTE_NAME_PATTERN, at most REGISTRY_LIMITS.attributesBytes
 * of JSON, never a registered claim name (RESERVED_CLAIM_NAMES).
 */
export const UserAttributes = Type.Record(Type.String(), Type.Union([AttributeScalar, Type.Array(AttributeScalar)]), {
  maxProperties: REGISTRY_LIMITS.attributes,
  description: 'admin-set attributes; an API lists which of them its tokens carry as claims',
});

/**
 * The token service's shapes: the views (User, Session, Key, AuditEvent) are named OpenAPI
 * schemas and the types the server's views return; the request bodies are picked from them.
 */

/** `cookie`: browsers; the refresh token then travels only in the HttpOnly cookie, never the body. */
export const RefreshDelivery = Type.Union([Type.Literal('body'), Type.Literal('cookie')], {
  default: 'body',
  description: 'Where the refresh token is delivered: `body` (and the cookie), or `cookie` only (browsers).',
});

/** RFC 8707: the API (its identifier) the access token is for; absent: the default API. */
const TokenResource = Type.String({
  minLength: 1,
  maxLength: TOKEN_REQUEST_LIMITS.resourceLength,
  description:
    'RFC 8707: the identifier of the registered API the access token is for (its `aud`); absent: the default API.',
});

/** RFC 6749 §3.3: the permissions asked for, space separated; absent: all the caller holds there. */
const TokenScope = Type.String({
  minLength: 1,
  maxLength: TOKEN_REQUEST_LIMITS.scopeLength,
  description: 'Space-separated permissions of that API to narrow the token to; absent: every permission held there.',
});

export const Credentials = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Password,
    refresh_delivery: Type.Optional(RefreshDelivery),
    resource: Type.Optional(TokenResource),
    scope: Type.Optional(TokenScope),
  },
  closed,
);

// The bound is generous on purpose: whatever a client may mistake for a refresh token (an access
// token, another issuer's JWT) must reach the service and get the same 401 invalid_grant as any
// unknown token (CONTRACT §4), not a 400 that tells it apart. The body limit still applies.
export const RefreshRequest = Type.Object(
  {
    refresh_token: Type.Optional(Type.String({ minLength: 1, maxLength: 8192 })),
    resource: Type.Optional(TokenResource),
    scope: Type.Optional(TokenScope),
  },
  closed,
);

export const TokenResponse = Type.Object({
  access_token: Type.String(),
  token_type: Type.Union([Type.Literal('Bearer'), Type.Literal('DPoP')], {
    description: '`DPoP` when the request carried a DPoP proof: the access token is bound to its key (RFC 9449).',
  }),
  expires_in: Type.Integer(),
  refresh_token: Type.Optional(
    Type.String({
      description: 'Absent when the refresh token travels only in the cookie (cookie-mode login, cookie refresh).',
    }),
  ),
  session_id: Type.String(),
  scope: Type.String({ description: "The access token's permissions at its API, space separated (RFC 6749 §5.1)." }),
});

export const PasswordChange = Type.Object({ current_password: Password, new_password: Password }, closed);

export const User = Type.Object(
  {
    id: Type.String(),
    username: Type.String({ minLength: 2, maxLength: 64 }),
    role: RoleSchema,
    employee_id: Type.Union([Type.String(), Type.Null()], { description: 'the payroll employee record this user is' }),
    disabled: Type.Boolean(),
    email: Type.Union([Type.String(), Type.Null()], {
      description: "the account's email address (normalised), or null",
    }),
    email_verified: Type.Boolean({ description: 'whether the address was proven by a mailed link' }),
    roles: Type.Array(Type.String(), {
      description: 'every role the user holds (issue #18), sorted; `role` is the legacy one among them',
    }),
    attributes: UserAttributes,
    created_at: DateTime,
    updated_at: DateTime,
  },
  { $id: 'User', description: 'A user account (never its password hash).' },
);
export type User = Static<typeof User>;

/**
 * GET /api/users/me: the caller's User and what they may do at Bulwark's own API. The console
 * shows only the views these allow; every call is still checked at the call (contract §15.2).
 */
export const CurrentUser = Type.Object(
  {
    ...User.properties,
    permissions: Type.Array(Type.String(), {
      description:
        "the permissions the user's roles grant at Bulwark's own API (urn:bulwark:api), in its declared order",
    }),
  },
  { $id: 'CurrentUser', description: 'The calling user (never its password hash) and their permissions at Bulwark.' },
);
export type CurrentUser = Static<typeof CurrentUser>;

export const NewUserRequest = Type.Object(
  {
    username: User.properties.username,
    password: Password,
    role: User.properties.role,
    employee_id: Type.Optional(EmployeeLink),
  },
  closed,
);

export const UserPatchRequest = Type.Object(
  {
    role: Type.Optional(User.properties.role),
    disabled: Type.Optional(User.properties.disabled),
    employee_id: Type.Optional(EmployeeLink),
    attributes: Type.Optional(UserAttributes),
  },
  { ...closed, minProperties: 1 },
);

export const Session = Type.Object(
  {
    id: Type.String(),
    user_id: Type.String(),
    created_at: DateTime,
    expires_at: DateTime,
    last_refreshed_at: NullableDate,
    last_used_at: Type.String({
      format: 'date-time',
      description: 'the last refresh, or the login (as in GET /api/users/me/sessions)',
    }),
    device: Type.String({
      description:
        'browser and system from the User-Agent at login, e.g. "Firefox on Linux" (as in GET /api/users/me/sessions)',
    }),
    ip: Type.Union([Type.String(), Type.Null()], { description: 'the address the login came from' }),
    revoked_at: NullableDate,
    revoked_reason: NullableText,
  },
  { $id: 'Session', description: 'A login session: the refresh tokens and access tokens issued in it.' },
);
export type Session = Static<typeof Session>;

export const Key = Type.Object(
  {
    kid: Type.String(),
    alg: Type.String(),
    state: Type.Union([Type.Literal('next'), Type.Literal('active'), Type.Literal('retired'), Type.Literal('removed')]),
    created_at: DateTime,
    activated_at: NullableDate,
    retired_at: NullableDate,
    removed_at: NullableDate,
    signs_from: NullableDate,
  },
  { $id: 'Key', description: 'A signing key and its lifecycle (public parts only).' },
);
export type Key = Static<typeof Key>;

export const AuditEvent = Type.Object(
  {
    id: Type.String(),
    at: DateTime,
    type: Type.String({ description: 'e.g. login.succeeded, refresh.reused, session.revoked, user.updated' }),
    actor_id: NullableText,
    target_id: NullableText,
    ip: NullableText,
    details: Type.Record(Type.String(), Type.Unknown()),
  },
  { $id: 'AuditEvent', description: 'A security or admin event (never a secret in its details).' },
);
export type AuditEvent = Static<typeof AuditEvent>;
