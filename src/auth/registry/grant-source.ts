import type { ApiRecord, Store } from '../../store/types.js';
import type { ApiForTokens, Grant, GrantSource } from './grants.js';
import type { RegistryCache } from './registry-cache.js';

/**
 * Issuance's GrantSource answered by the registry: APIs and roles from memory (RegistryCache),
 * the user's role ids or the client's grants in one indexed read.
 */
export class RegistryGrantSource implements GrantSource {
  constructor(
    private readonly cache: RegistryCache,
    private readonly store: Pick<Store, 'registry'>,
    private readonly audience: string,
  ) {}

  defaultApi(): string {
    return this.audience;
  }

  async userGrant(userId: string, identifier: string): Promise<Grant | undefined> {
    const [view, roleIds] = await Promise.all([this.cache.current(), this.store.registry.userRoleIds(userId)]);
    const api = view.apiByIdentifier(identifier);
    if (api === undefined) return undefined;
    const permissions = new Set<string>();
    const roles: string[] = [];
    for (const id of roleIds) {
      const held = view.heldAt(id, api.id);
      if (held.size === 0) continue;
      for (const p of held) permissions.add(p);
      const name = view.roleById(id)?.name;
      if (name !== undefined) roles.push(name);
    }
    return { api: forTokens(api), permissions: [...permissions].sort(), roles: roles.sort() };
  }

  async clientGrant(clientId: string, identifier: string): Promise<Grant | undefined> {
    const [view, grants] = await Promise.all([this.cache.current(), this.store.registry.clientGrants(clientId)]);
    const api = view.apiByIdentifier(identifier);
    if (api === undefined) return undefined;
    const permissions = [...new Set(grants.filter((g) => g.apiId === api.id).map((g) => g.permission))].sort();
    return { api: forTokens(api), permissions, roles: [] };
  }
}

function forTokens(api: ApiRecord): ApiForTokens {
  return { identifier: api.identifier, accessTokenTtlSeconds: api.accessTokenTtlSeconds, claims: api.claims };
}
