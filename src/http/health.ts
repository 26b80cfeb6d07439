import type { FastifyInstance } from 'fastify';
import { ServiceUnavailableError } from '../errors/index.js';

/** /healthz: the process is alive. /readyz: every dependency it needs answers. */
export function registerHealthRoutes(app: FastifyInstance, checkReady: () => Promise<Record<string, string>>): void {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async () => {
    try {
      return { status: 'ready', ...(await checkReady()) };
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
