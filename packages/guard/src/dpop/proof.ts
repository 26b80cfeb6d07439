import { createHash } from 'node:crypto';
import { isCanonicalBase64url } from '../encoding/base64url.js';
import { publicMembers } from '../jwk/key-checks.js';
import { parseJsonObject } from '../encoding/strict-json.js';
import { jwkThumbprint } from '../jwk/thumbprint.js';
import { normalizeTyp } from '../jws/check-header.js';
import type { SigningAlg } from '../jws/algorithms.js';
import type { VerificationKey } from '../types.js';
import { verificationKeyFromJwk } from '../jwk/verification-key.js';
import { verifySignature } from '../jws/verify-signature.js';
import { InvalidDpopProofError, UseDpopNonceError } from './errors.js';
import { normalizeHtu } from './htu.js';
import type { DpopRules } from './options.js';

/** What the proof must match: the request it came with, and the access token it goes with. */
export interface DpopRequest {
  /** The request's method, as sent (RFC 9110 methods are case-sensitive). */
  readonly method: string;
  /** The absolute URL the client used (scheme and host as the client saw them); query ignored. */
  readonly url: string;
  /** At a resource: the access token of the Authorization header, for `ath`. */
  readonly accessToken?: string | undefined;
}

/** What a verified DPoP proof tells: its key's thumbprint and its jti (for the replay cache). */
export interface VerifiedDpopProof {
  /** RFC 7638 thumbprint of the proof's key: what `cnf.jkt` binds a token to. */
  readonly jkt: string;
  readonly jti: string;
}

const MAX_JTI_LENGTH = 256;

/**
 * RFC 9449 §4.3, every step: exactly one header; a compact JWS whose strict-JSON header has
 * typ dpop+jwt, an allowed asymmetric alg and a public `jwk` (the one place a header key is
 * trusted, and only to check this proof); the signature; jti, htm, htu, iat (within max age +
 * skew, not beyond the skew in the future); ath when a token comes with it; the nonce when the
 * server requires one; and last the replay cache, so a refused proof never takes a place there.
 */
export function checkDpopProof(
  header: string | readonly string[] | undefined,
  request: DpopRequest,
  rules: DpopRules,
): VerifiedDpopProof | Promise<VerifiedDpopProof> {
  const proof = singleProof(header, rules.maxProofLength);
  const dot1 = proof.indexOf('.');
  const dot2 = dot1 < 0 ? -1 : proof.indexOf('.', dot1 + 1);
  if (dot1 <= 0 || dot2 < 0 || proof.indexOf('.', dot2 + 1) >= 0 || dot2 + 1 === proof.length)
    throw new InvalidDpopProofError('malformed');
  if (
    !isCanonicalBase64url(proof, 0, dot1) ||
    !isCanonicalBase64url(proof, dot1 + 1, dot2) ||
    !isCanonicalBase64url(proof, dot2 + 1, proof.length)
  ) {
    throw new InvalidDpopProofError('malformed');
  }
  const { key, jkt } = proofKey(parseJsonObject(Buffer.from(proof.slice(0, dot1), 'base64url')), rules);
  if (!verifySignature(key, proof, dot2, Buffer.from(proof.slice(dot2 + 1), 'base64url')))
    throw new InvalidDpopProofError('signature_invalid');
  const claims = parseJsonObject(Buffer.from(proof.slice(dot1 + 1, dot2), 'base64url'));
  if (claims === null) throw new InvalidDpopProofError('claim_invalid');
  const jti = checkClaims(claims, request, rules);
  const key64 = createHash('sha256').update(`${jkt}\u0000${jti}`).digest('base64url');
  // A proof can be accepted from iat - skew until iat + max age + skew: remember it that long.
  const first = rules.replayCache.firstUse(key64, rules.maxAgeSeconds + 2 * rules.skewSeconds);
  const verified: VerifiedDpopProof = { jkt, jti };
  if (typeof first === 'boolean') {
    if (!first) throw new InvalidDpopProofError('replayed');
    return verified;
  }
  return first.then((fresh) => {
    if (!fresh) throw new InvalidDpopProofError('replayed');
    return verified;
  });
}

/**
 * RFC 9449 §4.3 step 1: one DPoP header. Node joins a repeated one with ", " and Fetch Headers
 * do too: a proof has neither, so a joined value is `multiple` rather than judged by its first.
 */
function singleProof(header: string | readonly string[] | undefined, maxLength: number): string {
  if (header === undefined || header === '') throw new InvalidDpopProofError('missing');
  if (typeof header !== 'string') {
    if (header.length !== 1) throw new InvalidDpopProofError(header.length === 0 ? 'missing' : 'multiple');
    return singleProof(header[0], maxLength);
  }
  if (header.length > maxLength) throw new InvalidDpopProofError('too_long');
  if (header.includes(',')) throw new InvalidDpopProofError('multiple');
  return header;
}

function proofKey(header: Record<string, unknown> | null, rules: DpopRules): { key: VerificationKey; jkt: string } {
  if (header === null) throw new InvalidDpopProofError('header_invalid');
  if (typeof header.typ !== 'string' || normalizeTyp(header.typ) !== 'dpop+jwt')
    throw new InvalidDpopProofError('typ_invalid');
  const alg = header.alg;
  if (typeof alg !== 'string' || !rules.algorithms.has(alg)) throw new InvalidDpopProofError('alg_not_allowed');
  // No extension is implemented (RFC 7515 §4.1.11); b64=false would change what is signed.
  if (header.crit !== undefined || header.b64 !== undefined) throw new InvalidDpopProofError('header_invalid');
  const jwk = header.jwk;
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) throw new InvalidDpopProofError('jwk_invalid');
  try {
    // Refuses private members, a kty/crv that does not fit the alg, and RSA below 2048 bits.
    const key = verificationKeyFromJwk(jwk as Record<string, unknown>, alg as SigningAlg);
    return { key, jkt: jwkThumbprint(publicMembers(jwk as Record<string, unknown>)) };
  } catch {
    throw new InvalidDpopProofError('jwk_invalid');
  }
}

function checkClaims(claims: Record<string, unknown>, request: DpopRequest, rules: DpopRules): string {
  const { jti, htm, htu, iat } = claims;
  if (jti === undefined || htm === undefined || htu === undefined || iat === undefined)
    throw new InvalidDpopProofError('claim_missing');
  if (typeof jti !== 'string' || jti === '' || jti.length > MAX_JTI_LENGTH)
    throw new InvalidDpopProofError('claim_invalid');
  if (typeof htm !== 'string' || typeof htu !== 'string' || typeof iat !== 'number' || !Number.isFinite(iat))
    throw new InvalidDpopProofError('claim_invalid');
  if (htm !== request.method) throw new InvalidDpopProofError('htm_mismatch');
  const expected = normalizeHtu(request.url);
  if (expected === null || normalizeHtu(htu) !== expected) throw new InvalidDpopProofError('htu_mismatch');
  const now = rules.now() / 1000;
  if (iat > now + rules.skewSeconds) throw new InvalidDpopProofError('iat_future');
  if (iat < now - rules.maxAgeSeconds - rules.skewSeconds) throw new InvalidDpopProofError('iat_stale');
  if (request.accessToken !== undefined) {
    const ath = createHash('sha256').update(request.accessToken, 'ascii').digest('base64url');
    if (claims.ath === undefined) throw new InvalidDpopProofError('claim_missing');
    if (claims.ath !== ath) throw new InvalidDpopProofError('ath_mismatch');
  }
  if (rules.nonces !== null) {
    const nonce = claims.nonce;
    if (typeof nonce !== 'string' || !rules.nonces.isValid(nonce)) throw new UseDpopNonceError(rules.nonces.current());
  }
  return jti;
}
