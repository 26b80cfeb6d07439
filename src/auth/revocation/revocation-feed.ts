import type { RevocationKind, RevocationRecord } from '../../store/types.js';

/**
 * Fans revocations out to every instance, so each one's in-memory set learns of a revocation
 * made elsewhere without waiting for the periodic store sync. The store stays the source of
 * truth: a feed may lose messages (an outage), and a resync from the store repairs that.
 */
export interface RevocationFeed {
  /** `none`: no shared feed (one process); `ok`: connected; `degraded`: configured but down. */
  state(): 'none' | 'ok' | 'degraded';
  /** Announces an entry already written to the store. Never rejects: a failure is logged and
   *  left to the periodic store sync. */
  publish(entry: RevocationRecord): Promise<void>;
  /** `onEntry` for each entry published by any instance (this one included); `onResync` after
   *  each (re)connection, when messages may have been missed. One subscriber per feed. */
  subscribe(handlers: RevocationFeedHandlers): void;
  close(): Promise<void>;
}

export interface RevocationFeedHandlers {
  onEntry(entry: RevocationRecord): void;
  onResync(): Promise<void>;
}

/** The in-process default: nothing to fan out to; the periodic store sync does all the work. */
export const localRevocationFeed: RevocationFeed = {
  state: () => 'none',
  publish: async () => {},
  subscribe: () => {},
  close: async () => {},
};

const KINDS: ReadonlySet<string> = new Set<RevocationKind>(['jti', 'sid', 'user']);
const MAX_VALUE_LENGTH = 512;

export function encodeRevocation(entry: RevocationRecord): string {
  return JSON.stringify({
    kind: entry.kind,
    value: entry.value,
    createdAt: entry.createdAt,
    expiresAt: entry.expiresAt,
  });
}

/** Parses a feed message; undefined for anything that is not exactly a revocation entry. */
export function decodeRevocation(message: string): RevocationRecord | undefined {
  if (message.length > 2 * MAX_VALUE_LENGTH) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const { kind, value, createdAt, expiresAt } = parsed as Record<string, unknown>;
  if (typeof kind !== 'string' || !KINDS.has(kind)) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_VALUE_LENGTH) return undefined;
  if (!Number.isSafeInteger(createdAt) || !Number.isSafeInteger(expiresAt)) return undefined;
  if ((createdAt as number) < 0 || (expiresAt as number) < 0) return undefined;
  return { kind: kind as RevocationKind, value, createdAt: createdAt as number, expiresAt: expiresAt as number };
}
