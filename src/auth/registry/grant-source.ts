import type { ApiRecord, Store } from '../../store/types.js';
import type { ApiForTokens, Grant, GrantSource } from './grants.js';
import type { RegistryCache } from './registry-cache.js';

/**
 * Issuance's GrantSource answered by the registry: APIs and roles from memory (RegistryCache),
 * the user's role ids (unless read with the user) or the client's grants in one indexed read.
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

  async userGrant(userId: string, identifier: string, knownRoleIds?: readonly string[]): Promise<Grant | undefined> {
    const [view, roleIds] = await Promise.all([
      this.cache.current(),
      knownRoleIds ?? this.store.registry.userRoleIds(userId),
    ]);
    const api = view.apiByIdentifier(identifier);
    if (api === undefined) return undefined;
    const permissions = new Set<string>();
    const byRole = new Map<string, ReadonlySet<string>>();
    for (const id of roleIds) {
      const held = view.heldAt(id, api.id);
      const name = view.roleById(id)?.name;
      if (held.size === 0 || name === undefined) continue;
      for (const p of held) permissions.add(p);
      byRole.set(name, held);
    }
    return { api: forTokens(api), permissions: inApiOrder(api, permissions), roles: [...byRole.keys()].sort(), byRole };
  }

  async clientGrant(clientId: string, identifier: string): Promise<Grant | undefined> {
    return (await this.clientGrants(clientId, [identifier]))[0];
  }

  async clientGrants(clientId: string, identifiers: readonly string[]): Promise<Grant[]> {
    const [view, grants] = await Promise.all([this.cache.current(), this.store.registry.clientGrants(clientId)]);
    const out: Grant[] = [];
    for (const identifier of identifiers) {
      const api = view.apiByIdentifier(identifier);
      if (api === undefined) continue;
      const permissions = inApiOrder(api, new Set(grants.filter((g) => g.apiId === api.id).map((g) => g.permission)));
      out.push({ api: forTokens(api), permissions, roles: [], byRole: new Map() });
    }
    return out;
  }
}

/**
 * The held permissions in the order the API declares them: a token's `scope` reads the same from
 * one login to the next, and the legacy roles' tokens read exactly as before the registry.
 */
function inApiOrder(api: ApiRecord, held: ReadonlySet<string>): string[] {
  return api.permissions.map((p) => p.name).filter((name) => held.has(name));
}

function forTokens(api: ApiRecord): ApiForTokens {
  return { identifier: api.identifier, accessTokenTtlSeconds: api.accessTokenTtlSeconds, claims: api.claims };
}
