import { loadConfig } from '../config/index.js';
import { createLogger } from '../http/logger.js';
import { startServer } from '../server.js';

export async function serveCommand(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const server = await startServer(config, logger, (line) => console.log(line));
  console.log(`Bulwark listening on ${server.url} (${config.env}, ${server.services.store.kind}, ${config.signingAlg})`);
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    server.close().then(() => process.exit(0), (error: unknown) => {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    });
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}
