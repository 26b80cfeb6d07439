import { ConfigError } from './errors.js';
import { integer, read, type Env } from './parsers.js';

/** Where the Prometheus /metrics listener binds: a port of its own, loopback unless told otherwise. */
export interface MetricsListenerConfig {
  /** 0: an ephemeral port (printed at start). */
  port: number;
  host: string;
}

/**
 * BULWARK_METRICS_PORT (unset: no listener) and BULWARK_METRICS_HOST (default 127.0.0.1). The
 * listener has no authentication: it is for a private network, never the API's public address.
 */
export function metricsListener(env: Env, apiPort: number): MetricsListenerConfig | undefined {
  const host = read(env, 'BULWARK_METRICS_HOST');
  if (read(env, 'BULWARK_METRICS_PORT') === undefined) {
    if (host !== undefined)
      throw new ConfigError(
        'BULWARK_METRICS_HOST',
        'is set but BULWARK_METRICS_PORT is not: set the port to start the metrics listener',
      );
    return undefined;
  }
  const port = integer(env, 'BULWARK_METRICS_PORT', 0, 0, 65535);
  if (port !== 0 && port === apiPort)
    throw new ConfigError(
      'BULWARK_METRICS_PORT',
      `must differ from PORT (${apiPort}): the metrics have a listener of their own`,
    );
  return { port, host: host ?? '127.0.0.1' };
}
