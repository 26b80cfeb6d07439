import { createHash } from 'node:crypto';

const ROUND_ONE = Buffer.from([0, 0, 0, 1]);

/**
 * The Concat KDF of RFC 7518 §4.6.2 (NIST SP 800-56A §5.8.1, SHA-256) for a 256-bit key: one
 * round, SHA-256(1 || Z || OtherInfo), OtherInfo = AlgorithmID || PartyUInfo || PartyVInfo ||
 * SuppPubInfo, each of the first three prefixed by its 32-bit big-endian length; SuppPubInfo is
 * the key length in bits; SuppPrivInfo is empty. For the key-wrapping modes AlgorithmID is the
 * header's "alg" (e.g. "ECDH-ES+A256KW").
 */
export function concatKdf256(z: Buffer, algorithmId: string, apu: Buffer, apv: Buffer): Buffer {
  const keyBits = Buffer.alloc(4);
  keyBits.writeUInt32BE(256);
  return createHash('sha256')
    .update(ROUND_ONE)
    .update(z)
    .update(lengthPrefixed(Buffer.from(algorithmId, 'ascii')))
    .update(lengthPrefixed(apu))
    .update(lengthPrefixed(apv))
    .update(keyBits)
    .digest();
}

function lengthPrefixed(data: Buffer): Buffer {
  const out = Buffer.alloc(4 + data.length);
  out.writeUInt32BE(data.length);
  data.copy(out, 4);
  return out;
}
