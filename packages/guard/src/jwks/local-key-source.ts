import { keyMismatch } from '../jwk/key-checks.js';
import { isSigningAlg } from '../jws/algorithms.js';
import { InvalidKeyError } from '../jwk/invalid-key-error.js';
import type { KeySource, VerificationKey } from '../types.js';

export { verificationKeyFromJwk } from '../jwk/verification-key.js';

/** Hears the kid of every key removed (the verified-token cache flushes). */
export type KeyRemovedListener = (kid: string) => void;

/**
 * The in-memory key source: the token service feeds it its own keys, a remote JWKS source its
 * fetched keys. Every key is checked against its alg on the way in, so verification can trust it.
 * `onRemove` listeners hear of every kid that stops verifying (removed, or replaced by different
 * material), e.g. so a cache of verified tokens can drop what that key vouched for.
 */
export class LocalKeySource implements KeySource {
  #keys = new Map<string, VerificationKey>();
  readonly #listeners = new Set<KeyRemovedListener>();

  constructor(keys: Iterable<VerificationKey> = []) {
    this.set(keys);
  }

  get(kid: string): VerificationKey | undefined {
    return this.#keys.get(kid);
  }

  /** Replaces the whole set at once (verification never sees a half-updated set). */
  set(keys: Iterable<VerificationKey>): void {
    const next = new Map<string, VerificationKey>();
    for (const key of keys) {
      checkKey(key);
      if (next.has(key.kid)) throw new InvalidKeyError(`duplicate kid in key set: ${key.kid}`);
      next.set(key.kid, key);
    }
    const previous = this.#keys;
    this.#keys = next;
    for (const [kid, old] of previous) {
      const replacement = next.get(kid);
      if (replacement === undefined || !sameKey(old, replacement)) this.#emit(kid);
    }
  }

  add(key: VerificationKey): void {
    checkKey(key);
    const old = this.#keys.get(key.kid);
    this.#keys.set(key.kid, key);
    if (old !== undefined && !sameKey(old, key)) this.#emit(key.kid);
  }

  remove(kid: string): boolean {
    const removed = this.#keys.delete(kid);
    if (removed) this.#emit(kid);
    return removed;
  }

  kids(): string[] {
    return [...this.#keys.keys()];
  }

  /** Returns a function that unsubscribes. */
  onRemove(listener: KeyRemovedListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(kid: string): void {
    for (const listener of this.#listeners) listener(kid);
  }
}

function checkKey(key: VerificationKey): void {
  if (typeof key.kid !== 'string' || key.kid === '')
    throw new InvalidKeyError('a verification key needs a non-empty kid');
  if (!isSigningAlg(key.alg)) throw new InvalidKeyError(`key ${key.kid}: unsupported alg`);
  if (key.alg !== 'HS256' && key.key.type !== 'public') {
    throw new InvalidKeyError(`key ${key.kid}: ${key.alg} verification keys must be public keys`);
  }
  const problem = keyMismatch(key.key, key.alg);
  if (problem !== null) throw new InvalidKeyError(`key ${key.kid}: ${problem}`);
}

function sameKey(a: VerificationKey, b: VerificationKey): boolean {
  return a === b || (a.alg === b.alg && a.key.equals(b.key));
}
