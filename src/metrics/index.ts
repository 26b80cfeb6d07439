/** Prometheus metrics of one process: definitions, the scrape listener, and the counted verifier. */
export { Metrics, type MetricsOptions } from './metrics.js';
export { startMetricsListener, type MetricsListener } from './listener.js';
export { DATABASE_PROBE_TIMEOUT_MS, type MetricsProbes } from './probes.js';
export {
  JWKS_FETCH_OUTCOMES,
  LOGIN_OUTCOME_CODES,
  LOGIN_OUTCOMES,
  NO_AUTH_EVENTS,
  REFRESH_OUTCOMES,
  REVOCATION_FEEDS,
  VERIFICATION_OUTCOMES,
  type AuthEventSink,
  type JwksFetchOutcome,
  type LoginOutcome,
  type RefreshOutcome,
  type RevocationFeedName,
  type VerificationOutcome,
} from './outcomes.js';
