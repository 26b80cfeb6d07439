import type { Config } from '../../config/index.js';
import { AUTH_DEFAULTS } from '../defaults.js';

/** The key table's reload interval (AUTH_DEFAULTS.keyReloadIntervalMs: why it is what it is is said there). */
export const KEY_RELOAD_INTERVAL_MS = AUTH_DEFAULTS.keyReloadIntervalMs;

/**
 * How long a removed key (`keys rotate --now --revoke-current`) keeps verifying where the store
 * has no change marker (Postgres): an instance signs only with keys read less than
 * KEY_RELOAD_INTERVAL_MS ago, so past this (plus 1 s for the clocks of two hosts) none signs with
 * it any more, and no instance refuses a token another one has just issued. On SQLite every
 * signature checks the store's change marker first, so a removed key stops at once (0).
 */
export const REMOVED_KEY_GRACE_MS = KEY_RELOAD_INTERVAL_MS + 1_000;

/**
 * How long a retired key keeps verifying after its retirement, on the clock of whichever instance
 * next reloads the keys: until every token it signed has expired. An instance that has not yet
 * reloaded signs with it for up to a reload interval after the retirement, and the clocks of the
 * retiring instance, the signing one, the one that removes the key and the verifier may each
 * differ by up to the skew: lifetime + three skews + a reload interval, so that no verifier
 * refuses such a token before its exp (docs/contract.md §12.4).
 */
export function retiredKeyGraceMs(config: Pick<Config, 'accessTokenTtlSeconds' | 'clockSkewSeconds'>): number {
  return (config.accessTokenTtlSeconds + 3 * config.clockSkewSeconds) * 1000 + KEY_RELOAD_INTERVAL_MS;
}
