import type { DecryptionOptions } from '@bulwark/guard';
import { encryptNestedJwt, type JweKey } from '@bulwark/guard/jose';

/**
 * With BULWARK_TOKEN_ENCRYPTION_KEY_FILE, an access token is the signed JWT encrypted to that
 * key's public half (RFC 7516 nested JWT, cty "JWT"); without it, the signed JWT itself.
 */
export function sealAccessToken(jws: string, key: JweKey | undefined): string {
  return key === undefined ? jws : encryptNestedJwt(jws, key);
}

/** The verifier option for Bulwark's own verifiers: decrypt first when tokens are encrypted. */
export function decryptionFor(key: JweKey | undefined): { decryption?: DecryptionOptions } {
  return key === undefined ? {} : { decryption: { key: key.privateKey, alg: key.alg } };
}
