import { Redis, type RedisOptions } from 'ioredis';
import { CIRCUIT_DEFAULTS, RedisCircuit, type CircuitOptions } from './circuit.js';

/**
 * The options every Bulwark Redis connection shares: no offline queue (a command fails at once
 * while disconnected instead of waiting for a reconnection), a command timeout behind the
 * circuit's (a hung Redis never holds a caller much longer), reconnection with capped back-off.
 * Connection errors are the caller's to report, without the URL (it may carry a password).
 */
export function redisOptions(connectionName: string, overrides: RedisOptions = {}): RedisOptions {
  return {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    // A backstop: the circuit's own timeout (which lets an answer already in the socket win
    // against a late timer) decides first; ioredis's timer alone would count a busy event loop
    // as a Redis that does not answer.
    commandTimeout: 4 * CIRCUIT_DEFAULTS.timeoutMs,
    connectionName,
    retryStrategy: (times: number) => Math.min(50 * 2 ** Math.min(times, 10), 2_000),
    ...overrides,
  };
}

export function createRedisConnection(url: string, connectionName: string, overrides: RedisOptions = {}): Redis {
  const connection = new Redis(url, redisOptions(connectionName, overrides));
  connection.on('error', () => {
    // Expected while Redis is down; the circuit and the callers' fallbacks handle it.
  });
  return connection;
}

/** A circuit shared by every user of one Redis in this process, released by each user. */
export interface SharedCircuit {
  readonly circuit: RedisCircuit;
  release(): Promise<void>;
}

interface Entry {
  circuit: RedisCircuit;
  connection: Redis;
  users: number;
}

const shared = new Map<string, Entry>();

/**
 * The process's circuit for this Redis URL: one breaker (and one heartbeat connection) for the
 * revocation feed, the rate limiters and readiness, so they agree on whether Redis answers and
 * the first to notice a hang spares the others the wait. Reference-counted: the last release
 * stops the heartbeat and closes its connection.
 */
export function acquireRedisCircuit(url: string, options: Partial<CircuitOptions> = {}): SharedCircuit {
  let entry = shared.get(url);
  if (entry === undefined) {
    const connection = createRedisConnection(url, 'bulwark-health', {
      commandTimeout: options.timeoutMs ?? CIRCUIT_DEFAULTS.timeoutMs,
    });
    const created: Entry = { connection, users: 0, circuit: new RedisCircuit(() => connection.ping(), options) };
    created.circuit.start();
    shared.set(url, created);
    entry = created;
  }
  const held = entry;
  held.users += 1;
  let released = false;
  return {
    circuit: held.circuit,
    async release() {
      if (released) return;
      released = true;
      held.users -= 1;
      if (held.users > 0) return;
      shared.delete(url);
      held.circuit.stop();
      await quitQuietly(held.connection);
    },
  };
}

/** QUIT when connected (bounded: a hung Redis never answers it), else just drop the socket. */
export async function quitQuietly(connection: Redis): Promise<void> {
  if (connection.status !== 'ready') {
    connection.disconnect();
    return;
  }
  const timer = setTimeout(() => connection.disconnect(), CIRCUIT_DEFAULTS.timeoutMs);
  try {
    await connection.quit();
  } catch {
    connection.disconnect();
  } finally {
    clearTimeout(timer);
  }
}
