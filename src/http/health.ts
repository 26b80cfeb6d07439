import type { FastifyInstance } from 'fastify';
import { ServiceUnavailableError } from '../errors/index.js';

const LIVENESS = {
  description: 'The process runs.',
  type: 'object',
  required: ['status'],
  properties: { status: { type: 'string', enum: ['ok'] } },
} as const;

const READINESS = {
  description: "Ready, or degraded (an optional dependency is down); each dependency's state besides.",
  type: 'object',
  required: ['status'],
  properties: { status: { type: 'string', enum: ['ready', 'degraded'] } },
  additionalProperties: { type: 'string', description: 'a dependency (database, redis): ok or degraded' },
} as const;

/**
 * /healthz: the process is alive. /readyz: every dependency it needs answers (503 otherwise);
 * `status: 'degraded'` (still 200) when an optional dependency such as Redis is down but the
 * process still serves correctly.
 */
export function registerHealthRoutes(app: FastifyInstance, checkReady: () => Promise<Record<string, string>>): void {
  app.get(
    '/healthz',
    {
      schema: {
        operationId: 'getLiveness',
        tags: ['operations'],
        summary: 'Liveness: the process runs',
        security: [],
        response: { 200: LIVENESS },
      },
    },
    async () => ({ status: 'ok' }),
  );
  app.get(
    '/readyz',
    {
      schema: {
        operationId: 'getReadiness',
        tags: ['operations'],
        summary: 'Readiness: 200 ready or degraded (Redis down), 503 while the database does not answer',
        security: [],
        response: { 200: READINESS },
      },
    },
    async () => {
      try {
        const state = await checkReady();
        return { status: Object.values(state).includes('degraded') ? 'degraded' : 'ready', ...state };
      } catch (error) {
        const detail =
          error instanceof ServiceUnavailableError && error.detail !== undefined
            ? error.detail
            : 'A dependency does not answer.';
        throw new ServiceUnavailableError('readiness check failed', { detail, cause: error });
      }
    },
  );
}

/** /readyz answers within this, whatever the database does (a load balancer's probe gives up at a few seconds). */
export const READINESS_DEADLINE_MS = 1_500;

/**
 * The readiness check of a process whose only dependency is its database: it must answer a read
 * and commit a one-row write (a full disk or read-only file system fails that), both within
 * READINESS_DEADLINE_MS.
 */
export function databaseReady(
  store: { ping(): Promise<void>; probeWrite(): Promise<void> },
  deadlineMs = READINESS_DEADLINE_MS,
): () => Promise<Record<string, string>> {
  return async () => {
    try {
      await withinDeadline(deadlineMs, async () => {
        await store.ping();
        await store.probeWrite();
      });
    } catch (error) {
      throw new ServiceUnavailableError('database readiness failed', {
        detail: 'The database does not answer or cannot write.',
        cause: error,
      });
    }
    return { database: 'ok' };
  };
}

async function withinDeadline(ms: number, work: () => Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const running = work();
  // The work goes on past the deadline (bounded by the store's own deadlines): its late failure is not news.
  running.catch(() => undefined);
  try {
    await Promise.race([
      running,
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Adds `redis: 'ok' | 'degraded'` to a readiness check when a Redis feed is configured. The
 *  feed is degraded while Redis is unreachable or hung (the process's Redis circuit is open).
 *  A degraded feed never fails readiness: memory plus the store sync still serve correctly. */
export function withRedisReadiness(
  check: () => Promise<Record<string, string>>,
  feed: { state(): 'none' | 'ok' | 'degraded' },
): () => Promise<Record<string, string>> {
  return async () => {
    const state = await check();
    const redis = feed.state();
    return redis === 'none' ? state : { ...state, redis };
  };
}
