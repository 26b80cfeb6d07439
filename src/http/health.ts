import type { FastifyInstance } from 'fastify';
import { ServiceUnavailableError } from '../errors/index.js';

/**
 * /healthz: the process is alive. /readyz: every dependency it needs answers (503 otherwise);
 * `status: 'degraded'` (still 200) when an optional dependency such as Redis is down but the
 * process still serves correctly.
 */
export function registerHealthRoutes(app: FastifyInstance, checkReady: () => Promise<Record<string, string>>): void {
  app.get('/healthz', { schema: { tags: ['operations'], summary: 'Liveness: the process runs' } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { tags: ['operations'], summary: 'Readiness: 200 ready or degraded (Redis down), 503 while the database does not answer' } }, async () => {
    try {
      const state = await checkReady();
      return { status: Object.values(state).includes('degraded') ? 'degraded' : 'ready', ...state };
    } catch (error) {
      const detail = error instanceof ServiceUnavailableError && error.detail !== undefined ? error.detail : 'A dependency does not answer.';
      throw new ServiceUnavailableError('readiness check failed', { detail, cause: error });
    }
  });
}

/** The readiness check of a process whose only dependency is its database. */
export function databaseReady(store: { ping(): Promise<void> }): () => Promise<Record<string, string>> {
  return async () => {
    try {
      await store.ping();
    } catch (error) {
      throw new ServiceUnavailableError('database ping failed', { detail: 'The database does not answer.', cause: error });
    }
    return { database: 'ok' };
  };
}

/** Adds `redis: 'ok' | 'degraded'` to a readiness check when a Redis feed is configured. A
 *  degraded feed never fails readiness: memory plus the store sync still serve correctly. */
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
