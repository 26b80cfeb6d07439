import type { FastifyInstance } from 'fastify';
import { ServiceUnavailableError } from '../errors/index.js';

/**
 * Once the server is closing, a request that still arrives (on a kept-alive connection) answers
 * 503 service_unavailable with Retry-After through the error mapper, so that a client or proxy
 * retries it on another instance.
 */
export function refuseWhileClosing(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onRequest', (_request, _reply, done) => {
    done(
      closing
        ? new ServiceUnavailableError('server closing', { detail: 'The server is shutting down; retry the request.' })
        : undefined,
    );
  });
}
