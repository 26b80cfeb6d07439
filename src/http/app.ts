import cors from '@fastify/cors';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import type { Metrics } from '../metrics/index.js';
import type { Verifier } from '@bulwark/guard';
import { bulwarkGuard } from '@bulwark/guard/fastify';
import { registerErrorMapper, toProblem } from './error-mapper.js';
import { registerHealthRoutes } from './health.js';
import { refuseWhileClosing } from './closing.js';
import { clientErrorHandler } from './client-error.js';
import { HTTP_LIMITS, SERVER_TIMEOUTS, type ServerTimeouts } from './limits.js';
import { registerOpenApi } from './openapi.js';
import { installWriteLimit } from './rate-limit-hook.js';
import type { RequestLimit } from './rate-limit.js';
import { installRequestLimits } from './request-limits.js';
import { installRequestLogging, RequestLogController } from './request-log.js';
import { installRequestMetrics } from './request-metrics.js';
import { registerTransport } from './transport.js';
import { SCHEMA_CONTROLLER } from './validation.js';

/** A part of the API (the token service, payroll, the console), mounted on the same guard. */
export interface HttpModule {
  readonly name: string;
  register(app: FastifyInstance): void | Promise<void>;
}

/** What every app is made of, whatever modules it serves: the verifier every route trusts. */
export interface AppParts {
  config: Config;
  verifier: Verifier;
  /** Resolves with each dependency's state when the process can serve; rejects otherwise. */
  checkReady: () => Promise<Record<string, string>>;
  /** Authenticated writes per user, counted across every module of the app. */
  writeLimit: RequestLimit;
}

export interface AppOptions {
  logger: Logger;
  /** Serve HTTPS with this certificate and key (PEM). */
  https?: { cert: Buffer; key: Buffer } | undefined;
  /** What this process serves (auth, payroll, console), mounted in this order. */
  modules: readonly HttpModule[];
  /** Connection timeouts; default SERVER_TIMEOUTS (tests shorten them). */
  timeouts?: Partial<ServerTimeouts> | undefined;
  /** Request durations are recorded here (the scrape listener is the composition root's). */
  metrics?: Metrics | undefined;
}

type ServerOptions = {
  maxHeaderSize: number;
  headersTimeout: number;
  requestTimeout: number;
  connectionsCheckingInterval: number;
};

export type App = FastifyInstance;

/** Assembles the HTTP API on the given parts. Listening is the caller's business. */
export async function buildApp(parts: AppParts, options: AppOptions): Promise<FastifyInstance> {
  const { config } = parts;
  const timeouts = { ...SERVER_TIMEOUTS, ...options.timeouts };
  // Handed to http(s).createServer: header-section cap (431) and the slowloris deadlines.
  const server: ServerOptions = {
    maxHeaderSize: HTTP_LIMITS.headerBytes,
    headersTimeout: timeouts.requestMs,
    requestTimeout: timeouts.requestMs,
    connectionsCheckingInterval: timeouts.checkIntervalMs,
  };
  type Options = FastifyServerOptions & {
    https?: NonNullable<AppOptions['https']> & ServerOptions;
    http?: ServerOptions;
  };
  const app = (Fastify as unknown as (opts: Options) => FastifyInstance)({
    ...(options.https === undefined ? { http: server } : { https: { ...options.https, ...server } }),
    loggerInstance: options.logger,
    trustProxy: fastifyTrust(config.trustProxy),
    bodyLimit: HTTP_LIMITS.bodyBytes,
    requestTimeout: timeouts.requestMs,
    connectionTimeout: timeouts.idleMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    clientErrorHandler,
    routerOptions: { maxParamLength: HTTP_LIMITS.paramLength },
    // One line per request, written by installRequestLogging instead of Fastify's two.
    logController: new RequestLogController(),
    schemaController: SCHEMA_CONTROLLER,
    // Our own 503 while closing (closing.ts): problem+json with Retry-After, unlike Fastify's.
    return503OnClosing: false,
    // The router's own errors (bad URL encoding, over-long path parameter) arrive before any
    // route or error handler: answer them through the same mapping, as problem+json.
    frameworkErrors: (error, _request, reply) => {
      const answer = toProblem(error);
      void (reply as FastifyReply).status(answer.status).type('application/problem+json').send(answer);
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  installRequestLogging(app);
  registerErrorMapper(app);
  refuseWhileClosing(app);
  if (options.metrics !== undefined) installRequestMetrics(app, options.metrics);
  installRequestLimits(app);
  // Helmet's headers (computed once), HSTS and CSP (decided per request: HTTPS or not, /docs or
  // not): see transport.ts.
  registerTransport(app, { requireHttps: config.env === 'production' && options.https === undefined });
  // Only when browser origins are allowed: with none, the plugin's per-request hook would only
  // confirm that no CORS header is due.
  if (config.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: config.corsOrigins,
      credentials: true,
      // What a browser client must read to act: when to retry, why a token failed, and whether a
      // payment answer was a replay.
      exposedHeaders: ['Retry-After', 'WWW-Authenticate', 'Idempotent-Replayed'],
    });
  }
  // 'throw': refusals go to the app's one error mapper (logs, metrics, the same problem+json).
  await app.register(bulwarkGuard, { verifier: parts.verifier, onError: 'throw' });
  installWriteLimit(app, parts.writeLimit);

  await registerOpenApi(app, config);
  registerHealthRoutes(app, parts.checkReady);
  for (const module of options.modules) await module.register(app);
  return app;
}

/**
 * Fastify's trustProxy from ours. A number N trusts the N hops nearest to the server (the socket
 * peer is hop 0), so `ip` is the address the outermost of them saw: not `true`, which trusts every
 * hop and so takes the leftmost X-Forwarded-For entry, which any client can write. (Fastify's own
 * numeric option fails closed for the protocol and host checks.)
 */
function fastifyTrust(trust: Config['trustProxy']): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust === 'number') return (_address: string, hop: number) => hop < trust;
  return trust;
}
