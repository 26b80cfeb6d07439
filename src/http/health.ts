import type { FastifyInstance } from 'fastify';
import type { AuthServices } from '../auth/services.js';
import { ServiceUnavailableError } from '../errors/index.js';

export function registerHealthRoutes(app: FastifyInstance, services: AuthServices): void {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async () => {
    try {
      await services.store.ping();
    } catch (error) {
      throw new ServiceUnavailableError('database ping failed', { detail: 'The database does not answer.', cause: error });
    }
    return { status: 'ready', database: 'ok' };
  });
}
