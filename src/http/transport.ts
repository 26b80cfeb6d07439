import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpsRequiredError } from '../errors/index.js';
import { SECURITY_HEADERS } from './security-headers.js';

/** One year, subdomains included: the answer of an HTTPS-only service. */
const HSTS = 'max-age=31536000; includeSubDomains';

/** JSON answers need no scripts, styles or frames: forbid everything. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * The static part of every answer's headers, set with one call: helmet's, and no caching on the
 * way (API answers are about one caller; a route that may be cached, the JWKS or the console's
 * assets, sets its own Cache-Control, which replaces this). API answers add the locked-down CSP.
 */
const DOCS_HEADERS = Object.freeze({ ...SECURITY_HEADERS, 'cache-control': 'no-store' });
const API_HEADERS = Object.freeze({ ...DOCS_HEADERS, 'content-security-policy': API_CSP });

/** Paths a load balancer probes over plain HTTP, even in production behind a TLS proxy. */
const PROBES = new Set(['/healthz', '/readyz']);

/**
 * Whether this request reached us over HTTPS: a TLS socket of our own, or, only when
 * BULWARK_TRUST_PROXY=1, a proxy that says so in X-Forwarded-Proto (Fastify's `protocol`
 * reads that header only with trustProxy on).
 */
export function isSecureRequest(request: FastifyRequest): boolean {
  return (request.raw.socket as { encrypted?: boolean } | null)?.encrypted === true || request.protocol === 'https';
}

function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

export interface TransportOptions {
  /** Production behind a TLS proxy: refuse whatever the proxy did not receive over HTTPS. */
  requireHttps: boolean;
}

/**
 * Transport policy, per request: helmet's headers (security-headers.ts) on every answer, HSTS on HTTPS answers only (on plain HTTP it is meaningless and
 * browsers ignore it), a locked-down CSP on API answers (not on /docs, whose Swagger UI needs
 * inline script and style), and in production behind a proxy a 403 https_required for requests
 * the proxy received over plain HTTP. /healthz and /readyz stay reachable over plain HTTP:
 * load-balancer probes commonly speak HTTP to the instance and carry no secrets.
 */
export function registerTransport(app: FastifyInstance, options: TransportOptions): void {
  // Callback style, not async: this runs on every request, and a promise per hook shows.
  app.addHook('onRequest', (request, reply, done) => {
    const path = pathOf(request.url);
    const secure = isSecureRequest(request);
    if (options.requireHttps && !secure && !PROBES.has(path)) return done(new HttpsRequiredError());
    reply.headers(path !== '/docs' && !path.startsWith('/docs/') ? API_HEADERS : DOCS_HEADERS);
    if (secure) reply.header('strict-transport-security', HSTS);
    done();
  });
}
