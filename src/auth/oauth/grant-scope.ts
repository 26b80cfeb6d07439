import { OAUTH_ERROR } from '@bulwark/contract/registry';
import { isResourceUri, parseScope } from '../clients/client-input.js';
import type { ClientRecord } from '../../store/types.js';
import { OAuthError } from './errors.js';
import { listParam, optionalParam, type FormParams } from './params.js';

/** The requested scope (RFC 6749 §3.3), or undefined when none was asked for. */
export function requestedScope(params: FormParams): string[] | undefined {
  const raw = optionalParam(params, 'scope');
  if (raw === undefined) return undefined;
  let scopes: string[];
  try {
    scopes = parseScope(raw);
  } catch {
    throw new OAuthError(OAUTH_ERROR.invalid_scope, 'The scope is malformed.');
  }
  if (scopes.length === 0) throw new OAuthError(OAUTH_ERROR.invalid_scope, 'The scope is empty.');
  return scopes;
}

/** Down-scoping: any subset of the client's scopes; none asked: all of them. */
export function grantedScopes(client: ClientRecord, params: FormParams): string[] {
  const requested = requestedScope(params);
  if (requested === undefined) return [...client.scopes];
  const refused = requested.filter((s) => !client.scopes.includes(s));
  if (refused.length > 0)
    throw new OAuthError(
      OAUTH_ERROR.invalid_scope,
      'The client may not have this scope.',
      `scope not allowed: ${refused.join(' ')}`,
    );
  return requested;
}

/**
 * RFC 8707: each `resource` must be an absolute URI without a fragment and one of the client's
 * audiences; none named: the client's first audience (never all of them, which would make one
 * token good at every API the client may call).
 */
export function grantedAudiences(client: ClientRecord, params: FormParams): string[] {
  const resources = [...new Set(listParam(params, 'resource'))];
  if (resources.length === 0) return [client.audiences[0] as string];
  for (const resource of resources) {
    if (!isResourceUri(resource))
      throw new OAuthError(OAUTH_ERROR.invalid_target, 'The resource must be an absolute URI without a fragment.');
    if (!client.audiences.includes(resource))
      throw new OAuthError(
        OAUTH_ERROR.invalid_target,
        'The client may not have tokens for this resource.',
        'resource not among the client audiences',
      );
  }
  return resources;
}
