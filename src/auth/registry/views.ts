import type { Api, RoleDefinition } from '@bulwark/contract/types';
import type { ApiRecord, RoleRecord } from '../../store/types.js';
import type { RegistryView } from './registry-view.js';

/** What the API shows of the registry's records (the contract's Api and RoleDefinition). */
const iso = (ms: number): string => new Date(ms).toISOString();

export function toApiView(api: ApiRecord): Api {
  return {
    id: api.id,
    identifier: api.identifier,
    name: api.name,
    permissions: api.permissions.map((p) => ({ name: p.name, description: p.description })),
    access_token_ttl: api.accessTokenTtlSeconds,
    claims: [...api.claims],
    built_in: api.builtIn !== null,
    created_at: iso(api.createdAt),
    updated_at: iso(api.updatedAt),
  };
}

export function toRoleView(role: RoleRecord, view: RegistryView): RoleDefinition {
  return {
    id: role.id,
    name: role.name,
    description: role.description,
    permissions: role.permissions.map((g) => ({
      api: view.apiById(g.apiId)?.identifier ?? g.apiId,
      permission: g.permission,
    })),
    built_in: role.builtIn,
    created_at: iso(role.createdAt),
    updated_at: iso(role.updatedAt),
  };
}
