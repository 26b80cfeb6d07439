import { Type, type Static } from 'typebox';
import { CLIENT_LIMITS, REGISTRY_LIMITS, ROLE_NAME_PATTERN, SCOPE_TOKEN_PATTERN } from './limits.js';
import { closed, DateTime } from './shared.js';

/** The shapes of roles as data (issue #18): named sets of permissions on registered APIs. */

export const RolePermission = Type.Object(
  {
    api: Type.String({ minLength: 1, maxLength: CLIENT_LIMITS.uriLength, description: "the API's identifier" }),
    permission: Type.String({
      minLength: 1,
      maxLength: REGISTRY_LIMITS.permissionLength,
      pattern: SCOPE_TOKEN_PATTERN,
      description: "one of that API's permissions",
    }),
  },
  closed,
);

export const RoleName = Type.String({ pattern: ROLE_NAME_PATTERN, description: 'unique; never changes' });

export const RoleDefinition = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    description: Type.String(),
    permissions: Type.Array(Type.Object({ api: Type.String(), permission: Type.String() })),
    built_in: Type.Boolean({ description: 'the legacy roles admin, clerk, employee: cannot be deleted' }),
    created_at: DateTime,
    updated_at: DateTime,
  },
  { $id: 'RoleDefinition', description: 'A role: the permissions it grants, on any registered API.' },
);
export type RoleDefinition = Static<typeof RoleDefinition>;

const Permissions = Type.Array(RolePermission, { maxItems: REGISTRY_LIMITS.permissionsPerRole });

export const NewRoleRequest = Type.Object(
  {
    name: RoleName,
    description: Type.Optional(Type.String({ maxLength: REGISTRY_LIMITS.descriptionLength })),
    permissions: Type.Optional(Permissions),
  },
  closed,
);
export type NewRoleRequest = Static<typeof NewRoleRequest>;

export const RolePatchRequest = Type.Object(
  {
    description: Type.Optional(Type.String({ maxLength: REGISTRY_LIMITS.descriptionLength })),
    permissions: Type.Optional(Permissions),
  },
  { ...closed, minProperties: 1 },
);
export type RolePatchRequest = Static<typeof RolePatchRequest>;

export const UserRolesRequest = Type.Object(
  {
    roles: Type.Array(RoleName, {
      maxItems: REGISTRY_LIMITS.rolesPerUser,
      description: "the user's roles, all of them (replaces the list)",
    }),
  },
  closed,
);
export type UserRolesRequest = Static<typeof UserRolesRequest>;
