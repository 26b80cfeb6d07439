import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

/**
 * A software WebAuthn authenticator for the tests, written from the spec (WebAuthn L3 §6.1,
 * §6.5.4, §8.7; RFC 8152 COSE keys; RFC 8949 CBOR), independent of the library under test:
 * ES256 keys from node:crypto, attestation format `none`, discoverable credentials.
 */

// --- a minimal CBOR encoder: unsigned/negative integers, byte and text strings, maps ---
function head(major: number, value: number): Buffer {
  if (value < 24) return Buffer.from([(major << 5) | value]);
  if (value < 0x100) return Buffer.from([(major << 5) | 24, value]);
  if (value < 0x10000) return Buffer.from([(major << 5) | 25, value >> 8, value & 0xff]);
  const b = Buffer.alloc(5);
  b[0] = (major << 5) | 26;
  b.writeUInt32BE(value, 1);
  return b;
}
type Cbor = number | string | Uint8Array | Map<number | string, Cbor>;
export function cbor(value: Cbor): Buffer {
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === 'string') {
    const text = Buffer.from(value, 'utf8');
    return Buffer.concat([head(3, text.length), text]);
  }
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), value]);
  const parts = [head(5, value.size)];
  for (const [k, v] of value) parts.push(cbor(k), cbor(v));
  return Buffer.concat(parts);
}

const b64u = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');
const sha256 = (data: Uint8Array | string): Buffer => createHash('sha256').update(data).digest();

const FLAG = { up: 0x01, uv: 0x04, be: 0x08, bs: 0x10, at: 0x40 } as const;

interface Credential {
  id: Buffer;
  privateKey: KeyObject;
  publicKey: KeyObject;
  rpId: string;
  userHandle: string;
  counter: number;
}

export interface CeremonyOverrides {
  /** The page origin the browser would report. */
  origin?: string;
  /** The RP ID whose hash the authenticator signs (a phishing site's own, say). */
  rpId?: string;
  /** User verification done (default true). */
  uv?: boolean;
  /** The counter to report (a cloned authenticator's older value). */
  counter?: number;
  /** The challenge to sign instead of the options' one. */
  challenge?: string;
  /** Another user handle than the credential's. */
  userHandle?: string;
  /** At creation: this credential id (base64url) instead of a new one. */
  credentialId?: string;
}

export interface RegistrationOptionsJSON {
  challenge: string;
  rp: { id?: string; name: string };
  user: { id: string; name: string; displayName: string };
}

export interface AuthenticationOptionsJSON {
  challenge: string;
  rpId?: string;
}

export class SoftwareAuthenticator {
  readonly credentials: Credential[] = [];
  /** AAGUID of this "model" (16 bytes). */
  readonly aaguid = randomBytes(16);

  constructor(
    readonly origin: string,
    private readonly options: { synced?: boolean; counts?: boolean } = {},
  ) {}

  private flags(uv: boolean, extra: number): number {
    const backup = this.options.synced === true ? FLAG.be | FLAG.bs : 0;
    return FLAG.up | (uv ? FLAG.uv : 0) | backup | extra;
  }

  private authData(rpId: string, flags: number, counter: number, attested?: Buffer): Buffer {
    const count = Buffer.alloc(4);
    count.writeUInt32BE(counter);
    return Buffer.concat([sha256(rpId), Buffer.from([flags]), count, ...(attested === undefined ? [] : [attested])]);
  }

  private clientData(type: string, challenge: string, origin: string): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }), 'utf8');
  }

  /** navigator.credentials.create(): a new ES256 credential, its attestation object (fmt none). */
  create(options: RegistrationOptionsJSON, o: CeremonyOverrides = {}) {
    const rpId = options.rp.id as string;
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const coseKey = cbor(
      new Map<number, Cbor>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, Buffer.from(jwk.x as string, 'base64url')],
        [-3, Buffer.from(jwk.y as string, 'base64url')],
      ]),
    );
    const id = o.credentialId === undefined ? randomBytes(16) : Buffer.from(o.credentialId, 'base64url');
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(id.length);
    const attested = Buffer.concat([this.aaguid, idLength, id, coseKey]);
    const counter = this.options.counts === false ? 0 : 1;
    const authData = this.authData(o.rpId ?? rpId, this.flags(o.uv ?? true, FLAG.at), counter, attested);
    const attestationObject = cbor(
      new Map<string, Cbor>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', authData],
      ]),
    );
    const clientDataJSON = this.clientData(
      'webauthn.create',
      o.challenge ?? options.challenge,
      o.origin ?? this.origin,
    );
    const credential: Credential = { id, privateKey, publicKey, rpId, userHandle: options.user.id, counter };
    this.credentials.push(credential);
    return {
      id: b64u(id),
      rawId: b64u(id),
      type: 'public-key' as const,
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
      response: {
        clientDataJSON: b64u(clientDataJSON),
        attestationObject: b64u(attestationObject),
        transports: ['internal'],
      },
    };
  }

  /** navigator.credentials.get() with a discoverable credential (the last one made, or `credentialId`). */
  get(options: AuthenticationOptionsJSON, o: CeremonyOverrides & { credentialId?: string } = {}) {
    const credential =
      o.credentialId === undefined
        ? this.credentials.at(-1)
        : this.credentials.find((c) => b64u(c.id) === o.credentialId);
    if (credential === undefined) throw new Error('no credential on this authenticator');
    if (o.counter === undefined && this.options.counts !== false) credential.counter += 1;
    const counter = o.counter ?? credential.counter;
    const authData = this.authData(o.rpId ?? options.rpId ?? credential.rpId, this.flags(o.uv ?? true, 0), counter);
    const clientDataJSON = this.clientData('webauthn.get', o.challenge ?? options.challenge, o.origin ?? this.origin);
    // ECDSA over authenticatorData || SHA-256(clientDataJSON), DER-encoded (WebAuthn §6.3.3, §8.7 for fmt none).
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), credential.privateKey);
    return {
      id: b64u(credential.id),
      rawId: b64u(credential.id),
      type: 'public-key' as const,
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
      response: {
        clientDataJSON: b64u(clientDataJSON),
        authenticatorData: b64u(authData),
        signature: b64u(signature),
        userHandle: o.userHandle ?? credential.userHandle,
      },
    };
  }
}
