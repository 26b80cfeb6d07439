import { BULWARK_API } from '@bulwark/contract/registry';
import { InvalidScopeError, InvalidTargetError, ResourceNotGrantedError } from '../../errors/index.js';
import { isResourceUri } from '../clients/client-input.js';
import type { Grant, GrantSource } from '../registry/grants.js';

/**
 * What a token request asks for (contract §15.5): the API (RFC 8707 `resource`, one at most) and
 * the permissions there (RFC 6749 `scope`). Both optional: no resource is the default API, no
 * scope is everything the caller holds there.
 */
export interface TokenTarget {
  resource?: string | undefined;
  scope?: readonly string[] | undefined;
}

/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/**
 * The target of a request, its syntax checked: a resource is an absolute URI without a fragment
 * or the default API's legacy identifier; a scope is space-separated scope-tokens, at least one.
 */
export function tokenTarget(resource: string | undefined, scope: string | undefined, defaultApi: string): TokenTarget {
  if (resource !== undefined && resource !== defaultApi && !isResourceUri(resource))
    throw new InvalidTargetError('resource malformed', {
      detail: 'The resource must be the identifier of a registered API: an absolute URI without a fragment.',
    });
  return { resource, scope: scope === undefined ? undefined : parseScope(scope) };
}

function parseScope(raw: string): string[] {
  const list = raw.split(' ').filter((s) => s !== '');
  if (list.length === 0 || !list.every((s) => SCOPE_TOKEN.test(s)))
    throw new InvalidScopeError('scope malformed', {
      detail:
        'The scope must be space-separated RFC 6749 scope-tokens (printable ASCII without quotes or backslashes).',
    });
  return [...new Set(list)];
}

/** What the user may have in a token for the target: the grant there, narrowed to the scope asked for. */
export async function userGrantFor(
  grants: GrantSource,
  userId: string,
  target: TokenTarget,
  roleIds?: readonly string[],
): Promise<Grant> {
  const identifier = target.resource ?? grants.defaultApi();
  const grant = await grants.userGrant(userId, identifier, roleIds);
  if (grant === undefined) throw unknownResource();
  if (grant.permissions.length === 0)
    throw new ResourceNotGrantedError('no permission at the resource', {
      detail:
        target.resource === undefined
          ? 'You hold no permission at the default API: ask for a token with the `resource` of an API you may use.'
          : 'You hold no permission at this API.',
    });
  return narrowed(grant, target.scope);
}

/**
 * What a machine client may have in a token for the target. No resource: the first of its
 * audiences, then Bulwark's own API, where it holds every scope asked for (or, none asked,
 * anything at all): a client made with `--scope ssf:poll` gets its feed token without naming
 * `urn:bulwark:api`, and one with `payroll:read` its payroll token, as before the registry.
 */
export async function clientGrantFor(
  grants: GrantSource,
  clientId: string,
  audiences: readonly string[],
  target: TokenTarget,
): Promise<Grant> {
  const wanted = target.resource === undefined ? [...new Set([...audiences, BULWARK_API])] : [target.resource];
  const held = await grants.clientGrants(clientId, wanted);
  if (target.resource !== undefined) {
    const grant = held[0];
    if (grant === undefined) throw unknownResource();
    if (grant.permissions.length === 0)
      throw new InvalidTargetError('client holds nothing at the resource', {
        detail: 'The client may not have tokens for this resource.',
      });
    return narrowed(grant, target.scope);
  }
  const scope = target.scope;
  const fit = held.find((g) =>
    scope === undefined ? g.permissions.length > 0 : scope.every((s) => g.permissions.includes(s)),
  );
  if (fit === undefined)
    throw scope === undefined
      ? new InvalidTargetError('client holds nothing', { detail: 'The client may not have tokens for any resource.' })
      : new InvalidScopeError('scope beyond the client', { detail: 'The client may not have this scope.' });
  return narrowed(fit, scope);
}

/** The grant narrowed to `scope` (every name must be held), its roles to those granting what is left. */
function narrowed(grant: Grant, scope: readonly string[] | undefined): Grant {
  if (scope === undefined) return grant;
  const refused = scope.filter((s) => !grant.permissions.includes(s));
  if (refused.length > 0)
    throw new InvalidScopeError(`scope not held: ${refused.join(' ').slice(0, 200)}`, {
      detail: 'The scope asks for a permission you do not hold at this API.',
    });
  const permissions = grant.permissions.filter((p) => scope.includes(p));
  const roles = grant.roles.filter((name) => permissions.some((p) => grant.byRole.get(name)?.has(p) === true));
  return { ...grant, permissions, roles };
}

function unknownResource(): InvalidTargetError {
  return new InvalidTargetError('resource unknown', {
    detail: 'No registered API has this identifier (GET /api/apis).',
  });
}
