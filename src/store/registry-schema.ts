/** The kysely tables of 0012_registry (the column it adds to users is in schema.ts). */
export interface ApisTable {
  id: string;
  identifier: string;
  name: string;
  access_token_ttl: number | null;
  /** JSON array text. */
  claims: string;
  built_in: 'bulwark' | 'default' | null;
  created_at: number;
  updated_at: number;
}

export interface ApiPermissionsTable {
  api_id: string;
  name: string;
  description: string;
  position: number;
}

export interface RolesTable {
  id: string;
  name: string;
  description: string;
  built_in: number;
  created_at: number;
  updated_at: number;
}

export interface RolePermissionsTable {
  role_id: string;
  api_id: string;
  permission: string;
}

export interface UserRolesTable {
  user_id: string;
  role_id: string;
}

export interface ClientGrantsTable {
  client_id: string;
  api_id: string;
  permission: string;
}

export interface RegistryStateTable {
  id: string;
  version: number;
}

// A type alias, not an interface: kysely's withTables wants an index-signature-compatible type.
export type RegistryTables = {
  apis: ApisTable;
  api_permissions: ApiPermissionsTable;
  roles: RolesTable;
  role_permissions: RolePermissionsTable;
  user_roles: UserRolesTable;
  client_grants: ClientGrantsTable;
  registry_state: RegistryStateTable;
};
