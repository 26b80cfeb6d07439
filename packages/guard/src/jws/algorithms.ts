/** The JWS algorithms Bulwark signs and verifies with. Each key is bound to exactly one of them. */
export type SigningAlg = 'ES256' | 'EdDSA' | 'RS256' | 'PS256' | 'HS256';

/** Every JWS algorithm the guard verifies. */
export const SIGNING_ALGS: readonly SigningAlg[] = ['ES256', 'EdDSA', 'RS256', 'PS256', 'HS256'];

/** The algorithms whose keys can be published in a JWKS (an HS256 secret never is). */
export const PUBLIC_KEY_ALGS: readonly SigningAlg[] = SIGNING_ALGS.filter((alg) => alg !== 'HS256');

/** True for a supported JWS algorithm. */
export function isSigningAlg(value: unknown): value is SigningAlg {
  return typeof value === 'string' && (SIGNING_ALGS as readonly string[]).includes(value);
}

/** RSA keys below this size are refused for signing and for verification. */
export const MIN_RSA_BITS = 2048;
/** HS256 secrets shorter than the hash output (RFC 7518 §3.2) are refused. */
export const MIN_HMAC_BYTES = 32;
