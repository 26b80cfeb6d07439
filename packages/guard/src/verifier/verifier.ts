import { isSigningAlg, type SigningAlg } from '../jws/algorithms.js';
import { parseJsonObject } from '../encoding/strict-json.js';
import { checkClaims, lifetimeExceeded, type ClaimRules } from './check-claims.js';
import { normalizeTyp } from '../jws/check-header.js';
import { InvalidTokenError, TokenExpiredError } from '../errors.js';
import { HeaderCache, verifyCompactJws, type JwsRules } from '../jws/verify-compact.js';
import { createTokenOpener, type DecryptionOptions } from '../jwe/open.js';
import type { AccessTokenClaims, KeySource, RevocationSource } from '../types.js';
import { createVerifiedCache, type VerifiedCacheOptions } from './verified-cache.js';
import { createVerifyAsync } from './verify-async.js';
import { createDpopChecker, type DpopChecker } from '../dpop/checker.js';
import type { DpopOptions } from '../dpop/options.js';

/** The options of `createVerifier` (see the README's table). */
export interface VerifierOptions {
  issuer: string;
  /** The token's aud (string or array) must contain at least one of these. */
  audience: string | readonly string[];
  /** The allow-list; each key still verifies only under its own alg. */
  algorithms: readonly SigningAlg[];
  keys: KeySource;
  revocations?: RevocationSource | undefined;
  clockSkewSeconds?: number | undefined;
  /** Compared case-insensitively, "application/" optional (RFC 7515 §4.1.9). */
  typ?: string | undefined;
  maxTokenLength?: number | undefined;
  /**
   * Encrypted access tokens (RFC 7516 nested JWTs: signed, then encrypted to this key with
   * ECDH-ES+A256KW or RSA-OAEP-256 and A256GCM, cty "JWT"): decrypted, then verified as usual.
   * With it a plain JWS is refused (`jwe_required`); without it a JWE is (`jwe_unexpected`).
   */
  decryption?: DecryptionOptions | undefined;
  /**
   * The longest lifetime (exp − iat, in seconds) a token may claim: a longer one is refused
   * `lifetime_exceeded` (401 invalid_token). Default 86,400 (see VERIFIER_DEFAULTS); null for no
   * limit. A token without iat is held to exp − now <= this + clock skew. Whatever this says, an
   * exp beyond the year 9999 is `claim_invalid`.
   */
  maxTokenLifetimeSeconds?: number | null | undefined;
  /**
   * DPoP proofs (RFC 9449) for tokens bound to a key (cnf.jkt): the adapters check one on every
   * request that sends such a token, and refuse the token as Bearer. Default: all four asymmetric
   * algs, 60 s max age, an in-process replay cache. See src/dpop/options.ts.
   */
  dpop?: DpopOptions | undefined;
  /** Claims that must be present; exp is required regardless. */
  requiredClaims?: readonly string[] | undefined;
  /** Ms since the epoch; for frozen clocks in tests. */
  now?: (() => number) | undefined;
  /**
   * Remember verified tokens (bounded LRU keyed by the full token) so a repeat skips the
   * signature; exp and revocation are still checked on every call. Claims come back frozen.
   */
  cache?: VerifiedCacheOptions | true | undefined;
  /**
   * Hears the one start-up warning of a verifier built without `revocations`
   * ({@link NO_REVOCATION_WARNING}). Default: `process.emitWarning`, once per process.
   */
  onWarning?: ((message: string) => void) | undefined;
}

/** Verifies access tokens: from `createVerifier` or `createIssuerVerifier`, handed to the adapters. */
export interface Verifier {
  /** The verified claims, or throws InvalidTokenError / TokenExpiredError. Synchronous. */
  verify(token: string): AccessTokenClaims;
  /**
   * verify, plus refetch-on-unknown-kid for key sources that can fetch (a remote JWKS): after an
   * `unknown_kid` rejection it awaits `keys.refreshForUnknownKid(kid)` (rate-limited by the
   * source's cooldown) and, if that fetched, verifies once more. Rejects with the same errors.
   */
  verifyAsync(token: string): Promise<AccessTokenClaims>;
  /** The DPoP proof checks the adapters apply to bound tokens (verify alone never sees the request). */
  readonly dpop?: DpopChecker;
}

/** The defaults of VerifierOptions. */
export const VERIFIER_DEFAULTS = Object.freeze({
  clockSkewSeconds: 30,
  typ: 'at+jwt',
  maxTokenLength: 8192,
  /**
   * One day: the longest access-token TTL the Bulwark token service can be configured with
   * (BULWARK_ACCESS_TOKEN_TTL <= 86,400), so no genuine Bulwark token is refused, while a token
   * minted for years (a leaked HS256 secret, a misconfigured issuer) stops working within a day.
   * Bulwark's own services pass their exact TTL + skew.
   */
  maxTokenLifetimeSeconds: 86_400,
  requiredClaims: Object.freeze(['iss', 'sub', 'aud', 'exp', 'iat', 'jti']) as readonly string[],
});

/** What a verifier without a revocation source warns at start-up. */
export const NO_REVOCATION_WARNING =
  '@bulwark/guard: this verifier has no revocation source, so logged-out and revoked tokens stay valid until they expire (exp). ' +
  'Build it with createIssuerVerifier({ issuer, audience, clientId, clientSecret }) or pass `revocations` (createSetFeedRevocationSource).';

let warnedNoRevocation = false;

function warnWithoutRevocations(onWarning: VerifierOptions['onWarning']): void {
  if (onWarning !== undefined) {
    if (typeof onWarning !== 'function') throw new TypeError('verifier: onWarning must be a function');
    onWarning(NO_REVOCATION_WARNING);
    return;
  }
  if (warnedNoRevocation) return;
  warnedNoRevocation = true;
  process.emitWarning(NO_REVOCATION_WARNING, { code: 'BULWARK_NO_REVOCATION' });
}

/**
 * Builds a verifier of access tokens (RFC 9068 JWTs): the signature under an allowed algorithm
 * and a key of `keys`, then typ, iss, aud, exp/nbf/iat, the lifetime bound and, with
 * `revocations`, revocation. The usual token is verified synchronously with node:crypto.
 * Throws TypeError for invalid options. Without `revocations` it warns once at start-up.
 */
export function createVerifier(options: VerifierOptions): Verifier {
  const jwsRules = jwsRulesFrom(options);
  const claimRules = claimRulesFrom(options);
  const revocations = options.revocations;
  if (revocations === undefined) warnWithoutRevocations(options.onWarning);
  const dpop = createDpopChecker(options.dpop, claimRules.skewSeconds, claimRules.now);
  const verifyJwt = (token: string): AccessTokenClaims => {
    const jws = verifyCompactJws(token, jwsRules);
    const payload = parseJsonObject(Buffer.from(token.slice(jws.payloadStart, jws.payloadEnd), 'base64url'));
    if (payload === null) throw new InvalidTokenError('payload_invalid');
    const claims = checkClaims(payload, claimRules);
    if (revocations !== undefined && revocations.isRevoked(claims)) throw new InvalidTokenError('revoked');
    return claims;
  };
  // Branch once, here: without decryption the JWS path is exactly what it was.
  const open =
    options.decryption === undefined
      ? undefined
      : createTokenOpener(options.decryption, jwsRules.typ ?? '', jwsRules.maxTokenLength);
  const verifyFully = open === undefined ? verifyJwt : (token: string): AccessTokenClaims => verifyJwt(open(token));
  if (options.cache === undefined)
    return { verify: verifyFully, verifyAsync: createVerifyAsync(verifyFully, options.keys, open), dpop };

  const cache = createVerifiedCache(options.cache, options.keys);
  const { now } = claimRules;
  const verifyCached = (token: string): AccessTokenClaims => {
    const hit = cache.get(token);
    if (hit === undefined) {
      const claims = Object.freeze(verifyFully(token));
      cache.set(token, claims);
      return claims;
    }
    // Same rules as checkClaims: rejected on or after exp + skew, in whole seconds; the lifetime
    // limit too (fixed for a token with iat, but held however the clock moves for one without).
    const nowSeconds = Math.floor(now() / 1000);
    if (nowSeconds >= hit.exp + claimRules.skewSeconds) {
      cache.delete(token);
      throw new TokenExpiredError();
    }
    if (lifetimeExceeded(hit.exp, hit.iat as number | undefined, nowSeconds, claimRules)) {
      cache.delete(token);
      throw new InvalidTokenError('lifetime_exceeded');
    }
    if (revocations !== undefined && revocations.isRevoked(hit)) throw new InvalidTokenError('revoked');
    return hit;
  };
  return { verify: verifyCached, verifyAsync: createVerifyAsync(verifyCached, options.keys, open), dpop };
}

function jwsRulesFrom(options: VerifierOptions): JwsRules {
  const { algorithms, keys } = options;
  if (!Array.isArray(algorithms) || algorithms.length === 0 || !algorithms.every(isSigningAlg)) {
    throw new TypeError('verifier: algorithms must be a non-empty list of supported algorithms');
  }
  if (typeof keys?.get !== 'function') throw new TypeError('verifier: keys must be a KeySource');
  const typ = options.typ ?? VERIFIER_DEFAULTS.typ;
  if (typeof typ !== 'string' || typ === '') throw new TypeError('verifier: typ must be a non-empty string');
  const maxTokenLength = options.maxTokenLength ?? VERIFIER_DEFAULTS.maxTokenLength;
  if (!Number.isInteger(maxTokenLength) || maxTokenLength <= 0) {
    throw new TypeError('verifier: maxTokenLength must be a positive integer');
  }
  return {
    algorithms: new Set(algorithms),
    keys,
    typ: normalizeTyp(typ),
    requireKid: true,
    maxTokenLength,
    allowEmptyPayload: false,
    headerCache: new HeaderCache(),
  };
}

function claimRulesFrom(options: VerifierOptions): ClaimRules {
  const { issuer, audience } = options;
  if (typeof issuer !== 'string' || issuer === '') throw new TypeError('verifier: issuer must be a non-empty string');
  const audiences = typeof audience === 'string' ? [audience] : [...audience];
  if (audiences.length === 0 || !audiences.every((a) => typeof a === 'string' && a !== '')) {
    throw new TypeError('verifier: audience must be a non-empty string or list of them');
  }
  const skewSeconds = options.clockSkewSeconds ?? VERIFIER_DEFAULTS.clockSkewSeconds;
  if (!Number.isFinite(skewSeconds) || skewSeconds < 0) {
    throw new TypeError('verifier: clockSkewSeconds must be a finite number >= 0');
  }
  const maxLifetime =
    options.maxTokenLifetimeSeconds === undefined
      ? VERIFIER_DEFAULTS.maxTokenLifetimeSeconds
      : options.maxTokenLifetimeSeconds;
  if (maxLifetime !== null && (!Number.isSafeInteger(maxLifetime) || maxLifetime <= 0)) {
    throw new TypeError('verifier: maxTokenLifetimeSeconds must be a positive integer, or null for no limit');
  }
  const required = [...(options.requiredClaims ?? VERIFIER_DEFAULTS.requiredClaims)];
  if (!required.every((c) => typeof c === 'string' && c !== '')) {
    throw new TypeError('verifier: requiredClaims must be claim names');
  }
  return {
    issuer,
    audiences,
    skewSeconds,
    maxLifetimeSeconds: maxLifetime ?? Infinity,
    required,
    now: options.now ?? Date.now,
  };
}
