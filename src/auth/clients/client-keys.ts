import {
  createRemoteJwksSource,
  verificationKeyFromJwk,
  type RemoteJwksSource,
  type VerificationKey,
} from '@bulwark/guard';
import { PUBLIC_KEY_ALGS, type SigningAlg } from '@bulwark/guard/jose';
import type { ClientRecord } from '../../store/types.js';
import { AUTH_DEFAULTS } from '../defaults.js';

/** Remote key sets kept at once; past this the least recently used one is closed. */

/**
 * The public keys of private_key_jwt clients: the JWKS registered with the client, or its
 * jwks_uri fetched through the guard's RemoteJwksSource (https only, plain http to loopback;
 * size, time and key-count limits; refetched on an unknown kid at most once per cooldown).
 */
export class ClientKeys {
  readonly #remote = new Map<string, RemoteJwksSource>();

  constructor(private readonly options: { cooldownMs?: number; fetch?: typeof globalThis.fetch } = {}) {}

  /** The key for the assertion's kid; without a kid, the client's only registered key. */
  async keyFor(client: ClientRecord, kid: string | undefined): Promise<VerificationKey | undefined> {
    if (client.jwks !== null) {
      const keys = inlineKeys(client.jwks);
      return kid === undefined ? (keys.length === 1 ? keys[0] : undefined) : keys.find((k) => k.kid === kid);
    }
    if (client.jwksUri === null || kid === undefined) return undefined;
    const source = this.#source(client.jwksUri);
    await source.ready().catch(() => undefined);
    if (source.get(kid) === undefined) await source.refreshForUnknownKid(kid);
    return source.get(kid);
  }

  close(): void {
    for (const source of this.#remote.values()) source.close();
    this.#remote.clear();
  }

  #source(uri: string): RemoteJwksSource {
    let source = this.#remote.get(uri);
    if (source !== undefined) {
      this.#remote.delete(uri);
      this.#remote.set(uri, source);
      return source;
    }
    source = createRemoteJwksSource({
      url: uri,
      algorithms: [...PUBLIC_KEY_ALGS],
      cooldownMs: this.options.cooldownMs,
      fetch: this.options.fetch,
    });
    this.#remote.set(uri, source);
    if (this.#remote.size > AUTH_DEFAULTS.maxRemoteKeySources) {
      const [oldest, stale] = this.#remote.entries().next().value as [string, RemoteJwksSource];
      stale.close();
      this.#remote.delete(oldest);
    }
    return source;
  }
}

/** The registered JWKS was validated at registration (client-input.ts): each JWK has its alg. */
function inlineKeys(jwks: string): VerificationKey[] {
  const { keys } = JSON.parse(jwks) as { keys: Array<Record<string, unknown>> };
  return keys.map((jwk) => verificationKeyFromJwk(jwk, jwk.alg as SigningAlg));
}
