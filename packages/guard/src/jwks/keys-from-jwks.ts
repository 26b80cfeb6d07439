import type { SigningAlg } from '../jws/algorithms.js';
import { JwksFetchError } from '../errors.js';
import type { VerificationKey } from '../types.js';
import { verificationKeyFromJwk } from '../jwk/verification-key.js';

/** A JWK of the document that the source does not serve, and why (for operators). */
export interface SkippedJwk {
  readonly kid: string | undefined;
  readonly reason:
    'not_an_object' | 'no_kid' | 'no_alg' | 'alg_not_allowed' | 'not_for_signatures' | 'duplicate_kid' | 'unusable';
  /** For `unusable`: what verificationKeyFromJwk refused (never key material). */
  readonly message?: string;
}

/** The usable keys of a JWKS, and what was skipped and why. */
export interface JwksKeys {
  readonly keys: VerificationKey[];
  readonly skipped: SkippedJwk[];
}

interface KeyRules {
  readonly where: string;
  readonly algorithms: ReadonlySet<SigningAlg>;
  readonly maxKeys: number;
}

/**
 * The usable verification keys of a JWKS document. A document without a "keys" array, or with
 * more than maxKeys entries, is refused whole; a single JWK that cannot be used is skipped:
 * no kid, an "alg" missing or not allowed, "use" other than sig, a second JWK with a kid already
 * taken (the first wins), or anything verificationKeyFromJwk refuses (wrong kty/crv, private
 * members, oct keys, RSA below 2048 bits, key_ops without verify).
 */
export function keysFromJwks(document: Readonly<Record<string, unknown>>, rules: KeyRules): JwksKeys {
  const entries = document.keys;
  if (!Array.isArray(entries)) throw new JwksFetchError(rules.where, 'the document has no "keys" array');
  if (entries.length > rules.maxKeys) {
    throw new JwksFetchError(
      rules.where,
      `the document has ${entries.length} keys, more than maxKeys (${rules.maxKeys})`,
    );
  }
  const keys: VerificationKey[] = [];
  const skipped: SkippedJwk[] = [];
  const taken = new Set<string>();
  for (const entry of entries as unknown[]) {
    const result = keyFromEntry(entry, rules.algorithms, taken);
    if ('reason' in result) skipped.push(result);
    else {
      taken.add(result.kid);
      keys.push(result);
    }
  }
  return { keys, skipped };
}

function keyFromEntry(
  entry: unknown,
  algorithms: ReadonlySet<SigningAlg>,
  taken: ReadonlySet<string>,
): VerificationKey | SkippedJwk {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
    return { kid: undefined, reason: 'not_an_object' };
  const jwk = entry as Record<string, unknown>;
  const kid = typeof jwk.kid === 'string' && jwk.kid !== '' ? jwk.kid : undefined;
  if (kid === undefined) return { kid, reason: 'no_kid' };
  if (jwk.alg === undefined) return { kid, reason: 'no_alg' };
  if (typeof jwk.alg !== 'string' || !algorithms.has(jwk.alg as SigningAlg)) return { kid, reason: 'alg_not_allowed' };
  if (jwk.use !== undefined && jwk.use !== 'sig') return { kid, reason: 'not_for_signatures' };
  if (taken.has(kid)) return { kid, reason: 'duplicate_kid' };
  try {
    return verificationKeyFromJwk(jwk, jwk.alg as SigningAlg);
  } catch (error) {
    return { kid, reason: 'unusable', message: error instanceof Error ? error.message : 'refused' };
  }
}
