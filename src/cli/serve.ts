import { parseArgs } from 'node:util';
import { loadConfig, unknownVariableMessage, unknownVariables } from '../config/index.js';
import { createLogger } from '../http/logger.js';
import { describeMail } from '../compose/mail.js';
import { startServer } from '../compose/start.js';
import { UsageError } from './usage.js';

/** `serve [--only auth|payroll] [--jwks-url URL]`: flags override BULWARK_SERVE_ONLY / BULWARK_JWKS_URL. */
export async function serveCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { only: { type: 'string' }, 'jwks-url': { type: 'string' } },
    strict: true,
  });
  if (values.only !== undefined && !['auth', 'payroll', 'all'].includes(values.only))
    throw new UsageError('--only takes auth or payroll');
  const env = { ...process.env };
  if (values.only !== undefined) env.BULWARK_SERVE_ONLY = values.only;
  if (values['jwks-url'] !== undefined) env.BULWARK_JWKS_URL = values['jwks-url'];
  const config = loadConfig(env);
  const logger = createLogger(config.logLevel);
  for (const unknown of unknownVariables(env))
    logger.warn({ variable: unknown.variable, closest: unknown.closest }, unknownVariableMessage(unknown));
  const server = await startServer(config, logger, (line) => console.log(line));
  const what =
    config.serveOnly === 'all'
      ? 'token service + payroll'
      : config.serveOnly === 'auth'
        ? 'token service only'
        : `payroll only, keys from ${config.jwksUrl}`;
  console.log(`Bulwark listening on ${server.url} (${config.env}, ${what}, ${config.signingAlg})`);
  if (config.serveOnly === 'all')
    console.log(`  console ${server.url}/   API docs ${server.url}/docs   token issuer ${config.issuer}`);
  if (server.services !== undefined) console.log(`  ${describeMail(config)}`);
  if (server.metricsUrl !== undefined)
    console.log(
      `  Metrics on ${server.metricsUrl} (Prometheus text format; no authentication: keep it on a private interface)`,
    );
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}
