import { createPublicKey, type JsonWebKey } from 'node:crypto';
import type { SigningAlg } from '@bulwark/guard/jose';
import { exportPrivateJwk, generateSigningKey, signingKeyFromPrivateJwk, type SigningKey } from '../../jose/keys.js';
import { LocalKeySource } from '@bulwark/guard';
import type { KeysStore, SigningKeyRecord } from '../../store/types.js';
import {
  KeyRotationNotPossibleError,
  KeyRotationPendingError,
  RevokeNeedsNowError,
  toInfo,
  type KeyInfo,
  type RotateOptions,
} from './key-info.js';
import { open, seal } from './sealed-box.js';
import { assertConfigMatches, configuredKey, type KeyConfig } from './key-setup.js';
import { KEY_RELOAD_INTERVAL_MS, REMOVED_KEY_GRACE_MS, retiredKeyGraceMs } from './key-timing.js';

/** An unknown kid (a key another instance activated a moment ago) re-reads the store at most this often. */
const UNKNOWN_KID_RELOAD_MIN_MS = 1_000;

/** The key source of the token service: a kid it does not know re-reads the store (rate-limited) once. */
class StoreKeySource extends LocalKeySource {
  constructor(private readonly reloadFor: (kid: string) => Promise<boolean>) {
    super();
  }

  refreshForUnknownKid(kid: string): Promise<boolean> {
    return this.reloadFor(kid);
  }
}

/**
 * Owns the signing keys and their lifecycle next → active → retired → removed. A `next` key is
 * published (JWKS and `source`) on every instance for at least the JWKS max-age before it signs; exactly one active key
 * signs; `next`, active and retired keys verify (through `source`, the guard's key source); a
 * retired key is removed once every token it signed has expired (retiredKeyGraceMs). Private keys
 * are stored sealed under the master key, bound to their kid.
 */
export class KeyManager {
  readonly source = new StoreKeySource((kid) => this.reloadForUnknownKid(kid));
  private active: SigningKey | undefined;
  /** The store's change marker and the clock, read just before the keys were last read. */
  private loadedMarker: number | undefined;
  private loadedAt = Number.NEGATIVE_INFINITY;
  /** When a removed key's grace ends and the key set must be re-read. */
  private changesAt = Number.POSITIVE_INFINITY;
  private loading: { seq: number; done: Promise<void> } | undefined;
  private loadsStarted = 0;
  private loadsDone = 0;
  private verifying: SigningKey[] = [];
  private readonly unsealed = new Map<string, SigningKey>();
  private kekValue: Buffer | undefined;

  /** `kek` is asked for only when a private key is sealed or opened (listing keys needs none). */
  constructor(
    private readonly store: KeysStore,
    private readonly kekSource: () => Buffer,
    private readonly config: KeyConfig,
    private readonly now: () => number = Date.now,
  ) {}

  private get kek(): Buffer {
    this.kekValue ??= this.kekSource();
    return this.kekValue;
  }

  /**
   * Start-up. On an empty store the configured key (file, HS256 secret, or a generated key of the
   * configured alg) becomes active, under the keys lock so instances starting together agree on
   * one. Otherwise the store's active key must be what the configuration describes: a process
   * never changes keys on its own (only `keys rotate` does), and one that would sign with another
   * setup than the rest of the cluster refuses to start instead (SigningSetupMismatchError).
   */
  async init(): Promise<void> {
    const wanted = configuredKey(this.config);
    await this.store.exclusive(async (keys) => {
      const records = await keys.list();
      const active = records.find((r) => r.state === 'active');
      if (active !== undefined) {
        assertConfigMatches(active, wanted, this.config);
        return;
      }
      const key = wanted ?? generateSigningKey(this.config.signingAlg);
      if (records.some((r) => r.kid === key.kid)) await keys.setState(key.kid, 'active', this.now());
      else await keys.insert(this.toRecord(key, 'active'));
    });
    await this.reload();
  }

  /**
   * Re-reads the store: the active key, the verification keys, and removes expired retired keys.
   * `readOnly` (the CLI's `token verify`): verification keys only, from their public parts where
   * they have one; nothing is written and no private key is opened but an HS256 secret.
   */
  async reload(options: { readOnly?: boolean } = {}): Promise<void> {
    if (options.readOnly === true) return this.load(true);
    const needed = this.loadsStarted + 1;
    while (this.loadsDone < needed) {
      if (this.loading === undefined) {
        const seq = ++this.loadsStarted;
        const done = this.load(false)
          .then(() => {
            this.loadsDone = Math.max(this.loadsDone, seq);
          })
          .finally(() => {
            this.loading = undefined;
          });
        this.loading = { seq, done };
      }
      await this.loading.done;
    }
  }

  /**
   * The signing key, after making sure it is still the store's: on SQLite the store's change
   * marker (microseconds) says whether another process committed since the keys were read; on
   * Postgres keys older than KEY_RELOAD_INTERVAL_MS are re-read (the lifecycle task normally
   * has). So an instance never signs with a key removed before its check (SQLite) or more than
   * KEY_RELOAD_INTERVAL_MS before (Postgres, see REMOVED_KEY_GRACE_MS).
   */
  async currentSigningKey(): Promise<SigningKey> {
    const marker = this.store.externalChangeMarker;
    const now = this.now();
    const stale = marker === undefined ? now - this.loadedAt >= KEY_RELOAD_INTERVAL_MS : marker() !== this.loadedMarker;
    if (stale || now >= this.changesAt) await this.reload();
    return this.signingKey();
  }

  /**
   * Before a verification: re-reads the keys when another process changed the store (SQLite) or a
   * removed key's grace has ended, so the removed key is refused from the next request on. A
   * failed read keeps the keys held (verifying never waits on a database that is down; the
   * lifecycle task reports it).
   */
  async refreshForVerification(): Promise<void> {
    const marker = this.store.externalChangeMarker;
    const now = this.now();
    if (((marker === undefined || marker() === this.loadedMarker) && now < this.changesAt) || now < this.verifyRetryAt)
      return;
    await this.reload().catch(() => {
      // Not again for a second: requests must not each wait for a database deadline.
      this.verifyRetryAt = this.now() + UNKNOWN_KID_RELOAD_MIN_MS;
    });
  }

  private verifyRetryAt = Number.NEGATIVE_INFINITY;

  /**
   * The synchronous check before a verification: a removed key whose grace has ended stops
   * verifying now (no store read needed), and a change by another process starts a reload.
   */
  beforeVerify(): void {
    const now = this.now();
    if (now >= this.changesAt) {
      const ended = new Set([...this.graceEnds].filter(([, until]) => until <= now).map(([kid]) => kid));
      for (const kid of ended) this.graceEnds.delete(kid);
      this.changesAt = Math.min(Number.POSITIVE_INFINITY, ...this.graceEnds.values());
      this.verifying = this.verifying.filter((k) => !ended.has(k.kid));
      this.source.set(this.verifying.map((k) => ({ kid: k.kid, alg: k.alg, key: k.publicKey ?? k.privateKey })));
    }
    const marker = this.store.externalChangeMarker;
    if (
      marker !== undefined &&
      marker() !== this.loadedMarker &&
      this.loading === undefined &&
      now >= this.verifyRetryAt
    ) {
      this.reload().catch(() => {
        this.verifyRetryAt = this.now() + UNKNOWN_KID_RELOAD_MIN_MS;
      });
    }
  }

  private graceEnds = new Map<string, number>();

  private lastUnknownKidReload = Number.NEGATIVE_INFINITY;

  private async reloadForUnknownKid(kid: string): Promise<boolean> {
    const now = this.now();
    if (now - this.lastUnknownKidReload < UNKNOWN_KID_RELOAD_MIN_MS) {
      if (this.loading !== undefined) await this.loading.done;
      return this.source.get(kid) !== undefined;
    }
    this.lastUnknownKidReload = now;
    await this.reload();
    return this.source.get(kid) !== undefined;
  }

  private async load(readOnly: boolean): Promise<void> {
    const marker = this.store.externalChangeMarker?.();
    const now = this.now();
    const graceMs = retiredKeyGraceMs(this.config);
    const removedGraceMs = this.store.externalChangeMarker === undefined ? REMOVED_KEY_GRACE_MS : 0;
    const records = await this.store.list();
    if (readOnly) {
      const live = records.filter(
        (r) =>
          r.state !== 'removed' && !(r.state === 'retired' && r.retiredAt !== null && r.retiredAt + graceMs <= now),
      );
      this.source.set(
        live.map((r) => ({
          kid: r.kid,
          alg: r.alg as SigningAlg,
          key:
            r.publicJwk === null
              ? this.unseal(r).privateKey
              : createPublicKey({ key: r.publicJwk as JsonWebKey, format: 'jwk' }),
        })),
      );
      return;
    }
    const verifying: SigningKey[] = [];
    let active: SigningKey | undefined;
    let changesAt = Number.POSITIVE_INFINITY;
    const graceEnds = new Map<string, number>();
    for (const record of records) {
      if (record.state === 'retired' && record.retiredAt !== null && record.retiredAt + graceMs <= now) {
        await this.store.setState(record.kid, 'removed', now);
        continue;
      }
      if (record.state === 'removed') {
        const until = (record.removedAt ?? 0) + removedGraceMs;
        if (until <= now) continue;
        changesAt = Math.min(changesAt, until);
        graceEnds.set(record.kid, until);
      }
      const key = this.unseal(record);
      verifying.push(key);
      if (record.state === 'active' && active === undefined) active = key;
    }
    if (active === undefined) throw new Error('no active signing key in the store');
    this.active = active;
    this.verifying = verifying;
    this.source.set(verifying.map((k) => ({ kid: k.kid, alg: k.alg, key: k.publicKey ?? k.privateKey })));
    this.loadedMarker = marker;
    this.loadedAt = now;
    this.changesAt = changesAt;
    this.graceEnds = graceEnds;
  }

  signingKey(): SigningKey {
    if (this.active === undefined) throw new Error('KeyManager.init() has not run');
    return this.active;
  }

  /** Why scheduled rotation is off (the key comes from configuration), or undefined when it runs. */
  rotationBlocker(): string | undefined {
    if (this.config.signingAlg === 'HS256') return 'the HS256 secret comes from configuration';
    if (this.config.signingKeyFile !== undefined) return 'the signing key comes from BULWARK_SIGNING_KEY_FILE';
    return undefined;
  }

  /**
   * See RotateOptions. The new key is the configured one (BULWARK_SIGNING_KEY_FILE, or the HS256
   * secret: rotate those by changing the setting first) or a generated key of the configured alg.
   * Default: a `next` key; 409 when one is already waiting.
   */
  async rotate(options: RotateOptions = {}): Promise<KeyInfo> {
    if (options.revokeCurrent === true && options.now !== true) throw new RevokeNeedsNowError();
    const records = await this.store.list();
    if (!records.some((r) => r.state === 'active')) return this.firstKey();
    const pending = records.find((r) => r.state === 'next');
    if (options.now !== true && pending !== undefined)
      throw new KeyRotationPendingError(pending.kid, toInfo(pending, this.prePublicationMs()).signsFrom ?? this.now());
    // `--now` with a `next` key of the configured setup already published: that one signs now.
    const usable =
      pending !== undefined && pending.alg === this.config.signingAlg && configuredKey(this.config) === undefined
        ? pending.kid
        : undefined;
    const key = usable === undefined ? await this.rotationTarget(options.switchAlg === true) : undefined;
    if (options.now !== true) {
      if (!(await this.store.insertIfNoNext(this.toRecord(key as SigningKey, 'next')))) {
        const raced = (await this.list()).find((k) => k.state === 'next');
        throw new KeyRotationPendingError(raced?.kid ?? '?', raced?.signsFrom ?? this.now());
      }
      await this.reload();
      return this.info((key as SigningKey).kid);
    }
    if (key !== undefined) await this.store.insert(this.toRecord(key, 'next'));
    const kid = usable ?? (key as SigningKey).kid;
    await this.activate(kid, options.revokeCurrent === true ? 'removed' : 'retired');
    return this.info(kid);
  }

  /** On a store without keys (a data dir no server has used), a rotation makes the first active key. */
  private async firstKey(): Promise<KeyInfo> {
    const key = configuredKey(this.config) ?? generateSigningKey(this.config.signingAlg);
    await this.store.exclusive(async (keys) => {
      if (!(await keys.list()).some((r) => r.state === 'active')) await keys.insert(this.toRecord(key, 'active'));
    });
    return this.info(key.kid);
  }

  /** Promotes the `next` key (whatever its alg: `keys rotate` chose it) once it has been published for the JWKS max-age. */
  async promote(): Promise<KeyInfo | undefined> {
    const ready = (await this.store.list()).find(
      (r) => r.state === 'next' && r.createdAt + this.prePublicationMs() <= this.now(),
    );
    if (ready === undefined) return undefined;
    await this.activate(ready.kid, 'retired');
    return this.info(ready.kid);
  }

  /**
   * Scheduled rotation: a `next` key when the active key has signed for the rotation interval and
   * no `next` key exists. insertIfNoNext makes it happen once however many instances check.
   */
  async scheduledRotation(): Promise<KeyInfo | undefined> {
    const intervalMs = this.config.keyRotationIntervalSeconds * 1000;
    if (intervalMs === 0 || this.rotationBlocker() !== undefined) return undefined;
    const records = await this.store.list();
    if (records.some((r) => r.state === 'next')) return undefined;
    const active = records.find((r) => r.state === 'active');
    if (
      active === undefined ||
      active.alg !== this.config.signingAlg ||
      (active.activatedAt ?? active.createdAt) + intervalMs > this.now()
    )
      return undefined;
    const key = generateSigningKey(this.config.signingAlg);
    if (!(await this.store.insertIfNoNext(this.toRecord(key, 'next')))) return undefined;
    await this.reload();
    return this.info(key.kid);
  }

  /** The lifecycle task: scheduled rotation, promotion, then a reload (which also removes expired keys). */
  async upkeep(): Promise<{ created: KeyInfo | undefined; promoted: KeyInfo | undefined }> {
    const created = await this.scheduledRotation();
    const promoted = await this.promote();
    await this.reload();
    return { created, promoted };
  }

  async list(): Promise<KeyInfo[]> {
    return (await this.store.list()).map((r) => toInfo(r, this.prePublicationMs()));
  }

  /** The JWKS document: public keys of the keys that verify (never HS256 secrets). */
  jwks(): { keys: Array<Record<string, unknown>> } {
    return { keys: this.verifying.flatMap((k) => (k.publicJwk === null ? [] : [k.publicJwk])) };
  }

  /** From a `next` key's creation to its first signature: see KEY_RELOAD_INTERVAL_MS. */
  private prePublicationMs(): number {
    return this.config.jwksMaxAgeSeconds * 1000 + KEY_RELOAD_INTERVAL_MS;
  }

  private async activate(kid: string, previousTo: 'retired' | 'removed'): Promise<void> {
    const now = this.now();
    const previous = (await this.store.list()).filter((r) => r.state === 'active' && r.kid !== kid);
    await this.store.setState(kid, 'active', now);
    for (const record of previous) await this.store.setState(record.kid, previousTo, now);
    await this.reload();
  }

  private async info(kid: string): Promise<KeyInfo> {
    return (await this.list()).find((k) => k.kid === kid) as KeyInfo;
  }

  /** The key a rotation would make active; refuses a rotation to the active key or, unasked, to another alg. */
  private async rotationTarget(switchAlg: boolean): Promise<SigningKey> {
    const active = (await this.store.list()).find((r) => r.state === 'active');
    if (active !== undefined && active.alg !== this.config.signingAlg && !switchAlg) {
      throw new KeyRotationNotPossibleError(
        `the configured algorithm (BULWARK_SIGNING_ALG=${this.config.signingAlg}) differs from the active key's (${active.alg}); rotate with that setting, or switch algorithms explicitly (keys rotate --switch-alg)`,
      );
    }
    const configured = configuredKey(this.config);
    if (configured === undefined) return generateSigningKey(this.config.signingAlg);
    if (configured.kid === active?.kid) {
      const variable = this.config.signingKeyFile !== undefined ? 'BULWARK_SIGNING_KEY_FILE' : 'BULWARK_HS256_SECRET';
      throw new KeyRotationNotPossibleError(`${variable} holds the active key already; set it to the new key first`);
    }
    return configured;
  }

  private toRecord(key: SigningKey, state: SigningKeyRecord['state']): SigningKeyRecord {
    const now = this.now();
    const privateKeyEncrypted = seal(JSON.stringify(exportPrivateJwk(key)), this.kek, key.kid);
    return {
      kid: key.kid,
      alg: key.alg,
      state,
      publicJwk: key.publicJwk,
      privateKeyEncrypted,
      createdAt: now,
      activatedAt: state === 'active' ? now : null,
      retiredAt: null,
      removedAt: null,
    };
  }

  private unseal(record: SigningKeyRecord): SigningKey {
    const cached = this.unsealed.get(record.kid);
    if (cached !== undefined) return cached;
    const jwk = JSON.parse(open(record.privateKeyEncrypted, this.kek, record.kid)) as Record<string, unknown>;
    const key = signingKeyFromPrivateJwk(jwk, record.alg as SigningAlg);
    if (key.kid !== record.kid) throw new Error(`signing key ${record.kid}: stored material does not match its kid`);
    this.unsealed.set(record.kid, key);
    return key;
  }
}
