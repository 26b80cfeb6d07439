import { readFileSync } from 'node:fs';
import type { Config } from '../../config/index.js';
import type { SigningAlg } from '../../jose/algorithms.js';
import {
  exportPrivateJwk,
  generateSigningKey,
  importSigningKey,
  signingKeyFromHmacSecret,
  signingKeyFromPrivateJwk,
  type SigningKey,
} from '../../jose/keys.js';
import { LocalKeySource } from '../../guard/index.js';
import type { KeysStore, SigningKeyRecord } from '../../store/types.js';
import { ConflictError } from '../../errors/index.js';
import { open, seal } from './sealed-box.js';

export type KeyConfig = Pick<
  Config,
  'signingAlg' | 'hs256Secret' | 'signingKeyFile' | 'accessTokenTtlSeconds' | 'clockSkewSeconds'
>;

/** What the API and CLI show of a key: never private material. */
export interface KeyInfo {
  kid: string;
  alg: string;
  state: SigningKeyRecord['state'];
  createdAt: number;
  activatedAt: number | null;
  retiredAt: number | null;
  removedAt: number | null;
}

/**
 * Owns the signing keys: exactly one active key signs; active and retired keys verify (through
 * `source`, the guard's key source); a retired key is removed once every token it signed has
 * expired. Private keys are stored sealed under the master key, bound to their kid.
 */
export class KeyManager {
  readonly source = new LocalKeySource();
  private active: SigningKey | undefined;
  private verifying: SigningKey[] = [];

  constructor(
    private readonly store: KeysStore,
    private readonly kek: Buffer,
    private readonly config: KeyConfig,
    private readonly now: () => number = Date.now,
  ) {}

  /** Makes the configured key (file, HS256 secret or a generated key of the configured alg) active. */
  async init(): Promise<void> {
    const wanted = this.configuredKey();
    const records = await this.store.list();
    const actives = records.filter((r) => r.state === 'active');
    let activeRecord = wanted === undefined ? actives.find((r) => r.alg === this.config.signingAlg) : actives.find((r) => r.kid === wanted.kid);
    if (activeRecord === undefined) {
      const key = wanted ?? generateSigningKey(this.config.signingAlg);
      const existing = records.find((r) => r.kid === key.kid);
      if (existing === undefined) await this.store.insert(this.toRecord(key, 'active'));
      else await this.store.setState(key.kid, 'active', this.now());
      activeRecord = await this.store.findByKid(key.kid);
    }
    for (const other of actives) {
      if (other.kid !== activeRecord?.kid) await this.store.setState(other.kid, 'retired', this.now());
    }
    await this.reload();
  }

  /** Re-reads the store: the active key, the verification keys, and removes expired retired keys. */
  async reload(): Promise<void> {
    const now = this.now();
    const graceMs = (this.config.accessTokenTtlSeconds + this.config.clockSkewSeconds) * 1000;
    const records = await this.store.list();
    const verifying: SigningKey[] = [];
    let active: SigningKey | undefined;
    for (const record of records) {
      if (record.state === 'retired' && record.retiredAt !== null && record.retiredAt + graceMs <= now) {
        await this.store.setState(record.kid, 'removed', now);
        continue;
      }
      if (record.state === 'removed') continue;
      const key = this.unseal(record);
      verifying.push(key);
      if (record.state === 'active' && active === undefined) active = key;
    }
    if (active === undefined) throw new Error('no active signing key in the store');
    this.active = active;
    this.verifying = verifying;
    this.source.set(verifying.map((k) => ({ kid: k.kid, alg: k.alg, key: k.publicKey ?? k.privateKey })));
  }

  signingKey(): SigningKey {
    if (this.active === undefined) throw new Error('KeyManager.init() has not run');
    return this.active;
  }

  /** Generates a key of the configured alg, makes it active and retires the previous one. */
  async rotate(): Promise<KeyInfo> {
    if (this.config.signingAlg === 'HS256' || this.config.signingKeyFile !== undefined) {
      throw new KeyRotationNotPossibleError(this.config.signingAlg === 'HS256' ? 'the HS256 secret comes from configuration' : 'the signing key comes from BULWARK_SIGNING_KEY_FILE');
    }
    const previous = this.signingKey();
    const next = generateSigningKey(this.config.signingAlg);
    await this.store.insert(this.toRecord(next, 'active'));
    await this.store.setState(previous.kid, 'retired', this.now());
    await this.reload();
    return toInfo((await this.store.findByKid(next.kid)) as SigningKeyRecord);
  }

  async list(): Promise<KeyInfo[]> {
    return (await this.store.list()).map(toInfo);
  }

  /** The JWKS document: public keys of the keys that verify (never HS256 secrets). */
  jwks(): { keys: Array<Record<string, unknown>> } {
    return { keys: this.verifying.flatMap((k) => (k.publicJwk === null ? [] : [k.publicJwk])) };
  }

  private configuredKey(): SigningKey | undefined {
    if (this.config.signingKeyFile !== undefined) {
      return importSigningKey(readFileSync(this.config.signingKeyFile, 'utf8'), this.config.signingAlg);
    }
    if (this.config.signingAlg === 'HS256' && this.config.hs256Secret !== undefined) {
      return signingKeyFromHmacSecret(this.config.hs256Secret);
    }
    return undefined;
  }

  private toRecord(key: SigningKey, state: SigningKeyRecord['state']): SigningKeyRecord {
    const now = this.now();
    return {
      kid: key.kid,
      alg: key.alg,
      state,
      publicJwk: key.publicJwk,
      privateKeyEncrypted: seal(JSON.stringify(exportPrivateJwk(key)), this.kek, key.kid),
      createdAt: now,
      activatedAt: state === 'active' ? now : null,
      retiredAt: null,
      removedAt: null,
    };
  }

  private unseal(record: SigningKeyRecord): SigningKey {
    const jwk = JSON.parse(open(record.privateKeyEncrypted, this.kek, record.kid)) as Record<string, unknown>;
    const key = signingKeyFromPrivateJwk(jwk, record.alg as SigningAlg);
    if (key.kid !== record.kid) throw new Error(`signing key ${record.kid}: stored material does not match its kid`);
    return key;
  }
}

export class KeyRotationNotPossibleError extends ConflictError {
  constructor(why: string) {
    super(`key rotation is not possible: ${why}`, { detail: `Keys cannot be rotated here: ${why}.` });
  }
}

function toInfo(record: SigningKeyRecord): KeyInfo {
  const { kid, alg, state, createdAt, activatedAt, retiredAt, removedAt } = record;
  return { kid, alg, state, createdAt, activatedAt, retiredAt, removedAt };
}
