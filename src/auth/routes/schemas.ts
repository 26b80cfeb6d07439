import { Type } from 'typebox';
import { PASSWORD_MAX_LENGTH } from '../passwords.js';

/** Request and response schemas of the token service: they validate, and they are the OpenAPI. */
const closed = { additionalProperties: false } as const;

/** `cookie`: browsers; the refresh token then travels only in the HttpOnly cookie, never the body. */
const RefreshDelivery = Type.Union([Type.Literal('body'), Type.Literal('cookie')], {
  default: 'body',
  description: 'Where the refresh token is delivered: `body` (and the cookie), or `cookie` only (browsers).',
});

export const Credentials = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH * 4 }),
    refresh_delivery: Type.Optional(RefreshDelivery),
  },
  closed,
);

// The bound is generous on purpose: whatever a client may mistake for a refresh token (an access
// token, another issuer's JWT) must reach the service and get the same 401 invalid_grant as any
// unknown token (CONTRACT §4), not a 400 that tells it apart. The body limit still applies.
export const RefreshRequest = Type.Object({ refresh_token: Type.Optional(Type.String({ minLength: 1, maxLength: 8192 })) }, closed);

export const TokenResponse = Type.Object({
  access_token: Type.String(),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer(),
  refresh_token: Type.Optional(Type.String({ description: 'Absent when the refresh token travels only in the cookie (cookie-mode login, cookie refresh).' })),
  session_id: Type.String(),
});

export const PasswordChange = Type.Object(
  {
    current_password: Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH * 4 }),
    new_password: Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH * 4 }),
  },
  closed,
);

export const RoleSchema = Type.Union([Type.Literal('admin'), Type.Literal('clerk'), Type.Literal('employee')]);

export const User = Type.Object({
  id: Type.String(),
  username: Type.String(),
  role: RoleSchema,
  employee_id: Type.Union([Type.String(), Type.Null()]),
  disabled: Type.Boolean(),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
});

export const NewUserRequest = Type.Object(
  {
    username: Type.String({ minLength: 2, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH * 4 }),
    role: RoleSchema,
    employee_id: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()])),
  },
  closed,
);

export const UserPatchRequest = Type.Object({ role: Type.Optional(RoleSchema), disabled: Type.Optional(Type.Boolean()) }, { ...closed, minProperties: 1 });

export const IdParam = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }) }, closed);

export const PageQuery = Type.Object(
  {
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  },
  closed,
);

export function page<T extends Parameters<typeof Type.Array>[0]>(item: T) {
  return Type.Object({ items: Type.Array(item), next_cursor: Type.Union([Type.String(), Type.Null()]) });
}
