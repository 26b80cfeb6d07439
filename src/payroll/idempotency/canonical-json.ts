import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every level, so that the same request written with its fields
 * in another order has the same text (and the same hash). Values are already-validated JSON.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** SHA-256 (hex) of the route name and the canonical request: what "the same request" means. */
export function requestHash(route: string, request: unknown): string {
  return createHash('sha256').update(route).update('\n').update(canonicalJson(request)).digest('hex');
}
