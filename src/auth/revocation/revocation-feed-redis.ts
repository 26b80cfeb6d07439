import { Redis } from 'ioredis';
import { withTimeout } from '../../redis/circuit.js';
import { acquireRedisCircuit, createRedisConnection, quitQuietly } from '../../redis/connection.js';
import type { RevocationRecord } from '../../store/types.js';
import {
  decodeRevocation,
  encodeRevocation,
  type RevocationFeed,
  type RevocationFeedHandlers,
} from './revocation-feed.js';
import { AUTH_DEFAULTS } from '../defaults.js';

export const DEFAULT_REVOCATION_CHANNEL = 'bulwark:revocations';
/** The CLI's whole connect-and-publish, past which it leaves delivery to the store sync. */

/** The part of a pino logger the feed uses. */
export interface FeedLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface RedisFeedOptions {
  url: string;
  logger: FeedLogger;
  /** Pub/sub channel; tests use a unique one per run. */
  channel?: string;
  /** Longest wait between reconnection attempts (ms). */
  maxRetryDelayMs?: number;
}

/** host:port of a Redis URL, for logs: never the password or the rest of the URL. */
export function redisEndpoint(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port === '' ? '6379' : parsed.port}`;
  } catch {
    return '(unparseable URL)';
  }
}

/** The error's code or first line; never the whole object (it could carry connection details). */
function reason(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? (error.message.split('\n')[0] ?? '') : 'unknown error';
}

/**
 * Revocation fan-out over Redis pub/sub. Two connections, as SUBSCRIBE requires: the publisher
 * fails fast while Redis is down (no offline queue) and goes through the process's Redis circuit,
 * so a hung Redis delays a revocation by at most the circuit's timeout and then not at all while
 * the circuit is open. The subscriber re-subscribes after every reconnection, and the store is
 * re-read whenever the feed becomes healthy again (subscribed, circuit closed), so nothing
 * published meanwhile is lost. The revocation itself is already in the store before publish.
 */
export function createRedisRevocationFeed(options: RedisFeedOptions): RevocationFeed {
  const { url, logger } = options;
  const channel = options.channel ?? DEFAULT_REVOCATION_CHANNEL;
  const endpoint = redisEndpoint(url);
  const maxDelay = options.maxRetryDelayMs ?? 2_000;
  const retryStrategy = (times: number) => Math.min(50 * 2 ** Math.min(times, 10), maxDelay);
  const shared = acquireRedisCircuit(url);
  const { circuit } = shared;
  const publisher = createRedisConnection(url, 'bulwark-revocations-pub', { retryStrategy });
  // No command timeout here: a SUBSCRIBE that timed out would leave the feed unsubscribed until
  // the next reconnection. A hang is the circuit's to notice.
  const subscriber = createRedisConnection(url, 'bulwark-revocations-sub', {
    retryStrategy,
    autoResubscribe: false,
    commandTimeout: undefined,
  });
  let handlers: RevocationFeedHandlers | undefined;
  let subscribed = false;
  let closed = false;
  let reportedDown = false;

  const down = (which: string, error?: unknown) => {
    if (which === 'subscriber') subscribed = false;
    if (closed || reportedDown) return;
    reportedDown = true;
    logger.warn(
      { redis: endpoint, reason: error === undefined ? 'connection closed' : reason(error) },
      'revocation feed degraded: Redis unreachable; revocations propagate by store sync',
    );
  };
  /** Subscribed with the circuit closed: resync, since messages may have been missed. */
  const healthyAgain = () => {
    if (closed || !subscribed || circuit.state !== 'closed') return;
    if (reportedDown) logger.info({ redis: endpoint }, 'revocation feed reconnected; resynchronising from the store');
    reportedDown = false;
    // A failed resync (the database is down) is not a Redis problem: the periodic sync retries.
    handlers
      ?.onResync()
      .catch((error: unknown) =>
        logger.warn({ reason: reason(error) }, 'revocation resync after (re)connection failed'),
      );
  };
  const stopWatching = circuit.onChange((state) => {
    if (state === 'open') down('circuit', { code: 'REDIS_NOT_ANSWERING' });
    else healthyAgain();
  });
  publisher.on('error', (error: unknown) => down('publisher', error));
  subscriber.on('error', (error: unknown) => down('subscriber', error));
  subscriber.on('close', () => down('subscriber'));
  subscriber.on('message', (from: string, message: string) => {
    if (from !== channel || handlers === undefined) return;
    const entry = decodeRevocation(message);
    if (entry === undefined) {
      logger.warn({ redis: endpoint, channel, bytes: message.length }, 'ignored a malformed revocation message');
      return;
    }
    handlers.onEntry(entry);
  });
  subscriber.on('ready', () => {
    subscriber.subscribe(channel).then(
      () => {
        subscribed = true;
        healthyAgain();
      },
      (error: unknown) => down('subscriber', error),
    );
  });

  return {
    state: () => (subscribed && publisher.status === 'ready' && circuit.state === 'closed' ? 'ok' : 'degraded'),
    async publish(entry: RevocationRecord) {
      try {
        await circuit.run(() => publisher.publish(channel, encodeRevocation(entry)));
      } catch (error) {
        logger.warn(
          { redis: endpoint, kind: entry.kind, reason: reason(error) },
          'revocation publish failed; the store sync delivers it',
        );
      }
    },
    subscribe(next: RevocationFeedHandlers) {
      handlers = next;
    },
    async close() {
      closed = true;
      subscribed = false;
      stopWatching();
      await Promise.all([quitQuietly(publisher), quitQuietly(subscriber), shared.release()]);
    },
  };
}

/**
 * Publish-only (the CLI): a short-lived process that revokes and exits. It connects on its first
 * publish, never subscribes and never retries: if Redis is unreachable the revocation is already
 * in the store, and every instance's 2-second store sync delivers it.
 */
export function createRedisRevocationPublisher(options: Omit<RedisFeedOptions, 'maxRetryDelayMs'>): RevocationFeed {
  const { url, logger } = options;
  const channel = options.channel ?? DEFAULT_REVOCATION_CHANNEL;
  const endpoint = redisEndpoint(url);
  const publisher = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 2_000,
    commandTimeout: 1_000,
    connectionName: 'bulwark-revocations-cli',
    retryStrategy: () => null,
  });
  publisher.on('error', () => {
    // Reported once by publish below, without the URL.
  });
  return {
    state: () => (publisher.status === 'ready' ? 'ok' : 'degraded'),
    async publish(entry: RevocationRecord) {
      try {
        // Bounded as a whole: a hung Redis accepts the TCP connection and never answers.
        await withTimeout(
          (async () => {
            if (publisher.status === 'wait') await publisher.connect();
            await publisher.publish(channel, encodeRevocation(entry));
          })(),
          AUTH_DEFAULTS.cliPublishTimeoutMs,
        );
      } catch (error) {
        logger.warn(
          { redis: endpoint, kind: entry.kind, reason: reason(error) },
          'revocation publish failed; instances get it from the store within 2 s',
        );
      }
    },
    subscribe() {},
    close: () => quitQuietly(publisher),
  };
}
