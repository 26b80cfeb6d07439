/**
 * Storage of the API registry (0012_registry, issue #18): APIs with their permissions, roles
 * with theirs, the roles each user holds and the grants of each machine client. Every write
 * raises the registry's version in the same transaction, so each instance knows when to reload.
 */

/** `bulwark`: Bulwark's own API; `default`: the legacy audience (BULWARK_AUDIENCE); null: any other. */
export type BuiltInApi = 'bulwark' | 'default';

export interface ApiPermissionRecord {
  name: string;
  description: string;
}

export interface ApiRecord {
  id: string;
  /** The tokens' `aud`, the RFC 8707 resource: unique. */
  identifier: string;
  name: string;
  /** In the order the admin gave them. */
  permissions: ApiPermissionRecord[];
  /** null: the global access-token lifetime. */
  accessTokenTtlSeconds: number | null;
  /** The user attributes its tokens carry as claims. */
  claims: string[];
  builtIn: BuiltInApi | null;
  createdAt: number;
  updatedAt: number;
}

/** One permission of one API (by the API's id), as a role or client holds it. */
export interface GrantRecord {
  apiId: string;
  permission: string;
}

export interface RoleRecord {
  id: string;
  name: string;
  description: string;
  permissions: GrantRecord[];
  /** The legacy roles (admin, clerk, employee): never deleted. */
  builtIn: boolean;
  createdAt: number;
  updatedAt: number;
}

/** Everything issuance and the admin checks read, loaded at once and held in memory. */
export interface RegistrySnapshot {
  version: number;
  apis: ApiRecord[];
  roles: RoleRecord[];
}

export interface ApiPatch {
  /** Only start-up changes it (re-keying the default API to BULWARK_AUDIENCE). */
  identifier?: string;
  name?: string;
  /** The full new list. */
  permissions?: ApiPermissionRecord[];
  accessTokenTtlSeconds?: number | null;
  claims?: string[];
  updatedAt: number;
}

export interface RolePatch {
  description?: string;
  /** The full new list. */
  permissions?: GrantRecord[];
  updatedAt: number;
}

export interface RegistryStore {
  /** The registry's version: grows with every write below, by any process on this database. */
  version(): Promise<number>;
  snapshot(): Promise<RegistrySnapshot>;
  /** Throws ConflictError when the identifier is taken. */
  createApi(api: ApiRecord): Promise<void>;
  /** False when no API has this id. */
  updateApi(id: string, patch: ApiPatch): Promise<boolean>;
  /** Deletes the API with its permissions and its clients' grants; false when there was none. */
  deleteApi(id: string): Promise<boolean>;
  /** How many roles and how many clients hold a permission of the API (of `permissions` only, when given). */
  apiUse(apiId: string, permissions?: readonly string[]): Promise<{ roles: number; clients: number }>;
  /** Throws ConflictError when the name is taken. */
  createRole(role: RoleRecord): Promise<void>;
  updateRole(id: string, patch: RolePatch): Promise<boolean>;
  /** Deletes the role (users lose it); false when there was none. */
  deleteRole(id: string): Promise<boolean>;
  /** The ids of the users holding the role. */
  roleHolders(roleId: string): Promise<string[]>;
  /** The role ids of one user (one indexed read). */
  userRoleIds(userId: string): Promise<readonly string[]>;
  /** The role ids of several users at once (lists). */
  usersRoleIds(userIds: readonly string[]): Promise<Map<string, string[]>>;
  /** Replaces the user's roles; `legacyRole` also sets users.role (the legacy mirror) when given. */
  setUserRoles(userId: string, roleIds: readonly string[], legacyRole?: string | undefined): Promise<void>;
  /**
   * Gives each user an older release created (roles_adopted 0: during a rolling upgrade) their
   * legacy users.role in user_roles; returns how many.
   */
  adoptLegacyUsers(): Promise<number>;
  /** The client's grants. */
  clientGrants(clientId: string): Promise<readonly GrantRecord[]>;
  /** Replaces the client's grants. */
  setClientGrants(clientId: string, grants: readonly GrantRecord[]): Promise<void>;
}
