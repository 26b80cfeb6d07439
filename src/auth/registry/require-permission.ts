import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BULWARK_API, type BulwarkPermission } from '@bulwark/contract/registry';
import { ForbiddenError } from '../../errors/index.js';
import type { Store } from '../../store/types.js';
import type { RegistryCache } from './registry-cache.js';

/** What the permission check reads: the registry in memory and the holder's roles or grants. */
export interface PermissionDeps {
  cache: RegistryCache;
  store: Pick<Store, 'registry'>;
  /** BULWARK_AUDIENCE: tokens of the default API are accepted, as the console holds them. */
  defaultApi: string;
}

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

const refuse = (): ForbiddenError =>
  new ForbiddenError('permission not held', { detail: 'The caller does not hold the permission this needs.' });

/**
 * Whether the token's subject holds `permission` at Bulwark's own API, asked of the registry at
 * the call (the user's roles, or the client's grants), not of the token: a role change applies at
 * once. A token for another API than the default one or Bulwark's is refused here.
 */
export async function holdsPermission(
  deps: PermissionDeps,
  claims: { sub: string; aud: string | readonly string[]; client_id?: unknown },
  permission: BulwarkPermission,
): Promise<boolean> {
  const audiences = typeof claims.aud === 'string' ? [claims.aud] : claims.aud;
  if (!audiences.some((a) => a === deps.defaultApi || a === BULWARK_API)) return false;
  const view = await deps.cache.current();
  const api = view.apiByIdentifier(BULWARK_API);
  if (api === undefined) return false;
  if (claims.client_id !== undefined && claims.client_id === claims.sub) {
    const grants = await deps.store.registry.clientGrants(claims.sub);
    return grants.some((g) => g.apiId === api.id && g.permission === permission);
  }
  const roleIds = await deps.store.registry.userRoleIds(claims.sub);
  return roleIds.some((id) => view.heldAt(id, api.id).has(permission));
}

/**
 * The onRequest hooks of an admin route: a valid access token (the guard's requireAuth), then the
 * permission at Bulwark's API. A refusal is 403 `forbidden` with the insufficient_scope challenge.
 */
export function requirePermission(
  app: FastifyInstance,
  deps: PermissionDeps,
  permission: BulwarkPermission,
): [ReturnType<FastifyInstance['requireAuth']>, Hook] {
  const check: Hook = async (request) => {
    const claims = request.auth;
    if (claims === null || !(await holdsPermission(deps, claims, permission))) throw refuse();
  };
  return [app.requireAuth(), check];
}
