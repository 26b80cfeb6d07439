import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS } from '../errors/index.js';
import type { Metrics } from './metrics.js';

export interface MetricsListener {
  /** http://host:port/metrics, with the real port when 0 was asked for. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * A listener of its own for Prometheus, apart from the API: GET (or HEAD) /metrics and nothing
 * else, no authentication, so it binds to loopback or a private interface (BULWARK_METRICS_HOST).
 * Nothing from the API's stack runs here: no cookies, no CORS, no request bodies read.
 */
export async function startMetricsListener(
  metrics: Metrics,
  where: { port: number; host: string },
): Promise<MetricsListener> {
  const server = createServer(
    { maxHeaderSize: 8 * 1024, requestTimeout: 10_000, headersTimeout: 10_000 },
    (request, response) => {
      serve(metrics, request, response).catch(() => {
        if (!response.headersSent)
          response.writeHead(503, {
            'content-type': 'text/plain; charset=utf-8',
            'retry-after': String(SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS),
          });
        response.end('metrics collection failed\n');
      });
    },
  );
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(where.port, where.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = where.host.includes(':') ? `[${where.host}]` : where.host;
  return {
    url: `http://${host}:${port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function serve(metrics: Metrics, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = (request.url ?? '').split('?')[0];
  if (path !== '/metrics') {
    response
      .writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
      .end('not found: the metrics are at /metrics\n');
    return;
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response
      .writeHead(405, { 'content-type': 'text/plain; charset=utf-8', allow: 'GET, HEAD' })
      .end('method not allowed\n');
    return;
  }
  const body = await metrics.expose();
  response.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' });
  response.end(request.method === 'HEAD' ? undefined : body);
}
