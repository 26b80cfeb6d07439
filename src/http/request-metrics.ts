import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../metrics/index.js';

/** The route label of a request no route matched (a 404): one value, never the raw URL. */
export const NO_ROUTE = '(no route)';

/**
 * One onResponse hook: the request's duration (Fastify's elapsedTime, the same timing as the
 * request log line) by method, route template (`/api/employees/:id`) and status code.
 */
export function installRequestMetrics(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', (request, reply, done) => {
    metrics.request(request.method, request.routeOptions.url ?? NO_ROUTE, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
}
