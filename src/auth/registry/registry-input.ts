import {
  ATTRIBUTE_NAME_PATTERN,
  REGISTRY_LIMITS,
  RESERVED_CLAIM_NAMES,
  ROLE_NAME_PATTERN,
  SCOPE_TOKEN_PATTERN,
} from '@bulwark/contract';
import { InvalidRequestError } from '../../errors/index.js';
import type { ApiPermissionRecord } from '../../store/types.js';
import { isResourceUri } from '../clients/client-input.js';

/**
 * The checks of the registry's input beyond what the schemas state (the CLI has no schema):
 * identifiers, permission and claim names, lifetimes, role names, user attributes.
 */

const SCOPE_TOKEN = new RegExp(SCOPE_TOKEN_PATTERN);
const ROLE_NAME = new RegExp(ROLE_NAME_PATTERN);
const ATTRIBUTE_NAME = new RegExp(ATTRIBUTE_NAME_PATTERN);
const RESERVED = new Set(RESERVED_CLAIM_NAMES);

const bad = (detail: string): InvalidRequestError =>
  new InvalidRequestError(`registry input refused: ${detail}`, { detail });

/** An API's identifier: an absolute URI without a fragment (RFC 8707), or the legacy default audience. */
export function apiIdentifier(value: string, defaultAudience: string): string {
  if (value !== defaultAudience && !isResourceUri(value))
    throw bad('The identifier must be an absolute URI without a fragment (RFC 8707), e.g. https://api.example.com.');
  return value;
}

export function apiName(value: string): string {
  const name = value.trim();
  if (name === '' || name.length > REGISTRY_LIMITS.nameLength || /\p{Cc}/u.test(name))
    throw bad(`The name must be 1 to ${REGISTRY_LIMITS.nameLength} printable characters.`);
  return name;
}

function description(value: string | undefined): string {
  const text = (value ?? '').trim();
  if (text.length > REGISTRY_LIMITS.descriptionLength || /\p{Cc}/u.test(text))
    throw bad(`A description is at most ${REGISTRY_LIMITS.descriptionLength} printable characters.`);
  return text;
}

export { description as registryDescription };

/** A permission name: an RFC 6749 scope-token of at most 100 characters. */
export function permissionName(value: string): string {
  if (value.length === 0 || value.length > REGISTRY_LIMITS.permissionLength || !SCOPE_TOKEN.test(value))
    throw bad(
      `"${value.slice(0, 100)}" is not a permission name: an RFC 6749 scope-token (printable ASCII without spaces, quotes or backslashes) of at most ${REGISTRY_LIMITS.permissionLength} characters.`,
    );
  return value;
}

export function apiPermissions(
  list: ReadonlyArray<{ name: string; description?: string | undefined }>,
): ApiPermissionRecord[] {
  if (list.length > REGISTRY_LIMITS.permissionsPerApi)
    throw bad(`An API has at most ${REGISTRY_LIMITS.permissionsPerApi} permissions.`);
  const seen = new Set<string>();
  return list.map((p) => {
    const name = permissionName(p.name);
    if (seen.has(name)) throw bad(`The permission "${name}" is listed twice.`);
    seen.add(name);
    return { name, description: description(p.description) };
  });
}

/** 60 s up to the global access-token lifetime, or null (the global one). */
export function accessTokenTtl(value: number | null, globalTtlSeconds: number): number | null {
  if (value === null) return null;
  if (!Number.isSafeInteger(value) || value < 60 || value > globalTtlSeconds)
    throw bad(
      `access_token_ttl must be an integer from 60 to ${globalTtlSeconds} (BULWARK_ACCESS_TOKEN_TTL) seconds, or null.`,
    );
  return value;
}

/** An attribute (and so a claim) name: never one a verifier or Bulwark reads. */
export function attributeName(value: string): string {
  if (!ATTRIBUTE_NAME.test(value))
    throw bad(
      `"${value.slice(0, 64)}" is not an attribute name: a lower-case letter, then letters, digits or _ (at most 64).`,
    );
  if (RESERVED.has(value)) throw bad(`"${value}" is a registered or Bulwark claim name: it cannot be mapped.`);
  return value;
}

export function apiClaims(list: readonly string[]): string[] {
  if (list.length > REGISTRY_LIMITS.claimsPerApi)
    throw bad(`An API maps at most ${REGISTRY_LIMITS.claimsPerApi} claims.`);
  const names = list.map(attributeName);
  if (new Set(names).size !== names.length) throw bad('A claim is listed twice.');
  return names;
}

export function roleName(value: string): string {
  if (!ROLE_NAME.test(value))
    throw bad(
      `"${value.slice(0, 64)}" is not a role name: a lower-case letter, then letters, digits, _ or - (at most 64).`,
    );
  return value;
}

const isScalar = (v: unknown): boolean =>
  v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));

/**
 * A user's attributes: an object of at most 20 names (as claims), each a string, number, boolean,
 * null or a list of those, at most 2 KiB of JSON.
 */
export function userAttributes(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw bad('attributes must be a JSON object.');
  const entries = Object.entries(value);
  if (entries.length > REGISTRY_LIMITS.attributes)
    throw bad(`A user has at most ${REGISTRY_LIMITS.attributes} attributes.`);
  for (const [name, v] of entries) {
    attributeName(name);
    if (!(isScalar(v) || (Array.isArray(v) && v.every(isScalar))))
      throw bad(`The attribute "${name}" must be a string, number, boolean, null or a list of those.`);
  }
  if (Buffer.byteLength(JSON.stringify(value), 'utf8') > REGISTRY_LIMITS.attributesBytes)
    throw bad(`A user's attributes are at most ${REGISTRY_LIMITS.attributesBytes} bytes of JSON.`);
  return Object.fromEntries(entries);
}
