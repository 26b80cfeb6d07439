import { InvalidKeyError, verificationKeyFromJwk } from '@bulwark/guard';
import { PUBLIC_KEY_ALGS, type SigningAlg } from '@bulwark/guard/jose';
import { InvalidRequestError } from '../../errors/index.js';
import { ROLE_SCOPES } from '../tokens/scopes.js';
import { CLIENT_LIMITS } from '@bulwark/contract';
import { BULWARK_API, BULWARK_PERMISSION } from '@bulwark/contract/registry';

/** What an admin asks for (CLI or /api/clients); validated into a ClientSpec. */
export interface NewClient {
  name: string;
  /** Space separated, or a list. */
  scope: string | readonly string[];
  audiences?: readonly string[] | undefined;
  introspection?: boolean | undefined;
  /** A public JWKS: the client authenticates with private_key_jwt (RFC 7523). */
  jwks?: unknown;
  /** Where to fetch its JWKS instead (https, or http to a loopback address). */
  jwksUri?: string | undefined;
}

export interface ClientSpec {
  name: string;
  scopes: string[];
  audiences: string[];
  introspection: boolean;
  jwks: string | null;
  jwksUri: string | null;
}

/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
export const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]{1,64}$/;

/**
 * Scopes that grant what only people may do (their tokens carry a role as well). A client gets
 * `payroll:read` for Bulwark's API, or scopes of other APIs (any other scope-token).
 */
export const USER_ONLY_SCOPES: ReadonlySet<string> = new Set(
  Object.values(ROLE_SCOPES)
    .flat()
    .filter((s) => s !== 'payroll:read'),
);

const bad = (detail: string): InvalidRequestError =>
  new InvalidRequestError(`client input refused: ${detail}`, { detail });

export function parseScope(scope: string | readonly string[]): string[] {
  const list = typeof scope === 'string' ? scope.split(' ').filter((s) => s !== '') : [...scope];
  if (!list.every((s) => typeof s === 'string' && SCOPE_TOKEN.test(s)))
    throw bad(
      'Each scope must be an RFC 6749 scope-token (printable ASCII without spaces, quotes or backslashes, at most 64 characters).',
    );
  return [...new Set(list)];
}

/** Validates an admin's request; `defaultAudience` is the Bulwark API's own (BULWARK_AUDIENCE). */
export function clientSpec(input: NewClient, defaultAudience: string): ClientSpec {
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (name === '' || name.length > CLIENT_LIMITS.nameLength || /\p{Cc}/u.test(name))
    throw bad(`The name must be 1 to ${CLIENT_LIMITS.nameLength} printable characters.`);
  const scopes = parseScope(input.scope);
  if (scopes.length === 0 || scopes.length > CLIENT_LIMITS.scopes)
    throw bad(`A client needs 1 to ${CLIENT_LIMITS.scopes} scopes.`);
  const reserved = scopes.filter((s) => USER_ONLY_SCOPES.has(s));
  if (reserved.length > 0)
    throw bad(
      `Scopes ${reserved.join(', ')} are for users only; a client may hold payroll:read or other APIs' scopes.`,
    );
  // None named: the API its scopes are for. A feed reader's only scope, ssf:poll, is Bulwark's own.
  const feedOnly = scopes.every((s) => s === BULWARK_PERMISSION['ssf:poll']);
  const named = input.audiences === undefined || input.audiences.length === 0 ? undefined : input.audiences;
  const audiences = [...new Set(named ?? [feedOnly ? BULWARK_API : defaultAudience])];
  if (audiences.length > CLIENT_LIMITS.audiences)
    throw bad(`A client may have at most ${CLIENT_LIMITS.audiences} audiences.`);
  for (const audience of audiences) {
    if (audience !== defaultAudience && !isResourceUri(audience))
      throw bad(`Each audience must be "${defaultAudience}" or an absolute URI without a fragment (RFC 8707).`);
  }
  if (input.jwks !== undefined && input.jwksUri !== undefined) throw bad('Give a JWKS or a JWKS URI, not both.');
  return {
    name,
    scopes,
    audiences,
    introspection: input.introspection === true,
    jwks: input.jwks === undefined ? null : publicJwks(input.jwks),
    jwksUri: input.jwksUri === undefined ? null : jwksUri(input.jwksUri),
  };
}

/** RFC 8707 §2: an absolute URI without a fragment (the `resource` a token request names). */
export function isResourceUri(value: string): boolean {
  if (value.length > CLIENT_LIMITS.uriLength || !/^[\x21-\x7E]+$/.test(value)) return false;
  try {
    const url = new URL(value);
    return url.hash === '' && !value.includes('#');
  } catch {
    return false;
  }
}

/** Each key public, for signatures, with its own "alg" (ES256, EdDSA, RS256 or PS256) and a distinct kid. */
function publicJwks(jwks: unknown): string {
  const keys = (jwks as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > CLIENT_LIMITS.keys)
    throw bad(`The JWKS must be {"keys":[...]} with 1 to ${CLIENT_LIMITS.keys} keys.`);
  const kids = new Set<string>();
  for (const jwk of keys as Array<Record<string, unknown>>) {
    const alg = jwk?.alg;
    if (typeof alg !== 'string' || !(PUBLIC_KEY_ALGS as readonly string[]).includes(alg))
      throw bad(`Each JWK needs "alg": one of ${PUBLIC_KEY_ALGS.join(', ')}.`);
    try {
      const { kid } = verificationKeyFromJwk(jwk, alg as SigningAlg);
      if (kids.has(kid)) throw bad('Two JWKs have the same kid.');
      kids.add(kid);
    } catch (error) {
      if (error instanceof InvalidKeyError) throw bad(`A JWK is unusable: ${error.message}.`);
      throw error;
    }
  }
  return JSON.stringify({ keys });
}

function jwksUri(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw bad('The JWKS URI is not a URL.');
  }
  const loopback =
    url.hostname === 'localhost' || url.hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);
  if (
    value.length > CLIENT_LIMITS.uriLength ||
    (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback))
  ) {
    throw bad('The JWKS URI must use https (plain http only to a loopback address).');
  }
  if (url.username !== '' || url.password !== '') throw bad('The JWKS URI must not carry credentials.');
  return url.toString();
}
