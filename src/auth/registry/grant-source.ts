import type { ApiRecord, Store } from '../../store/types.js';
import type { ApiForTokens, Grant, GrantSource } from './grants.js';
import type { RegistryCache } from './registry-cache.js';
import type { RegistryView } from './registry-view.js';

/** Users' grants computed per loaded registry, keyed by API and role ids (a handful of distinct sets in practice). */
const USER_GRANTS_PER_VIEW = 1024;

/**
 * Issuance's GrantSource answered by the registry: APIs and roles from memory (RegistryCache),
 * the user's role ids (unless read with the user) or the client's grants in one indexed read.
 */
export class RegistryGrantSource implements GrantSource {
  readonly #userGrants = new WeakMap<RegistryView, Map<string, Grant>>();

  constructor(
    private readonly cache: RegistryCache,
    private readonly store: Pick<Store, 'registry'>,
    private readonly audience: string,
  ) {}

  defaultApi(): string {
    return this.audience;
  }

  async userGrant(userId: string, identifier: string, knownRoleIds?: readonly string[]): Promise<Grant | undefined> {
    const [view, roleIds] =
      knownRoleIds === undefined
        ? await Promise.all([this.cache.current(), this.store.registry.userRoleIds(userId)])
        : [await this.cache.current(), knownRoleIds];
    const api = view.apiByIdentifier(identifier);
    if (api === undefined) return undefined;
    // A view never changes (a registry change loads a new one), so neither does what a set of
    // roles holds in it: computed once per view, not per login or refresh.
    let memo = this.#userGrants.get(view);
    if (memo === undefined) this.#userGrants.set(view, (memo = new Map()));
    const key = `${api.id}\n${roleIds.join('\n')}`;
    let grant = memo.get(key);
    if (grant === undefined) {
      grant = userGrantIn(view, api, roleIds);
      if (memo.size >= USER_GRANTS_PER_VIEW) memo.clear();
      memo.set(key, grant);
    }
    return grant;
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

function userGrantIn(view: RegistryView, api: ApiRecord, roleIds: readonly string[]): Grant {
  const permissions = new Set<string>();
  const byRole = new Map<string, ReadonlySet<string>>();
  for (const id of roleIds) {
    const held = view.heldAt(id, api.id);
    const name = view.roleById(id)?.name;
    if (held.size === 0 || name === undefined) continue;
    for (const p of held) permissions.add(p);
    byRole.set(name, held);
  }
  return Object.freeze({
    api: forTokens(api),
    permissions: Object.freeze(inApiOrder(api, permissions)),
    roles: Object.freeze([...byRole.keys()].sort()),
    byRole,
  });
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
