import type { Verifier } from '@bulwark/guard';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { countedVerifier, VerificationTally } from './counted-verifier.js';
import {
  JWKS_FETCH_OUTCOMES,
  LOGIN_OUTCOMES,
  REFRESH_OUTCOMES,
  REVOCATION_FEEDS,
  VERIFICATION_OUTCOMES,
  type AuthEventSink,
  type JwksFetchOutcome,
  type LoginOutcome,
  type RefreshOutcome,
  type RevocationFeedName,
} from './outcomes.js';
import { registerProbes, type MetricsProbes } from './probes.js';

export interface MetricsOptions {
  /** process_* and nodejs_* (CPU, memory, handles, event loop lag, GC): for a serving process. */
  processMetrics?: boolean;
}

/** Request durations: an API call takes about a millisecond, a login an argon2 verification. */
const REQUEST_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Revocation delivery: milliseconds over Redis, up to a receiver's poll interval over SET polls. */
const LAG_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60, 300];

/**
 * One process's metrics on a registry of its own (never prom-client's global one: tests build many
 * apps in one process). Every label value comes from a fixed list or the route table: route
 * templates, status codes, outcome words. Never a username, address, token or raw URL.
 */
export class Metrics implements AuthEventSink {
  readonly registry = new Registry();
  readonly #requests: Histogram<'method' | 'route' | 'status'>;
  readonly #verifications = new VerificationTally();
  readonly #logins: Counter<'outcome'>;
  readonly #refreshes: Counter<'outcome'>;
  readonly #jwksFetches: Counter<'outcome'>;
  readonly #revocationLag: Histogram<'feed'>;

  constructor(options: MetricsOptions = {}) {
    const registers = [this.registry];
    this.#requests = new Histogram({
      name: 'bulwark_http_request_duration_seconds',
      help: 'HTTP requests from arrival to the last byte of the answer, by method, route template and status code.',
      labelNames: ['method', 'route', 'status'],
      buckets: REQUEST_BUCKETS,
      registers,
    });
    const tally = this.#verifications;
    const verifications: Counter<'outcome'> = new Counter({
      name: 'bulwark_token_verifications_total',
      help: 'Access tokens verified for API requests: ok, or the reason the guard refused them.',
      labelNames: ['outcome'],
      registers,
      collect: () => tally.flushInto(verifications),
    });
    this.#logins = new Counter({
      name: 'bulwark_logins_total',
      help: 'Login attempts (password step, second factor, password change) by outcome.',
      labelNames: ['outcome'],
      registers,
    });
    this.#refreshes = new Counter({
      name: 'bulwark_refreshes_total',
      help: 'Refresh token uses that issued tokens or detected reuse, by outcome.',
      labelNames: ['outcome'],
      registers,
    });
    this.#jwksFetches = new Counter({
      name: 'bulwark_jwks_fetches_total',
      help: "Fetches of the token service's JWKS by a payroll-only process, by outcome.",
      labelNames: ['outcome'],
      registers,
    });
    this.#revocationLag = new Histogram({
      name: 'bulwark_revocation_feed_lag_seconds',
      help: 'Age of a revocation when it arrived over Redis pub/sub (redis_pubsub) or was delivered in a SET poll answer (set_poll).',
      labelNames: ['feed'],
      buckets: LAG_BUCKETS,
      registers,
    });
    // Every known series at 0 from the first scrape: rate() and absence alerts work from the start.
    for (const outcome of VERIFICATION_OUTCOMES) verifications.inc({ outcome }, 0);
    for (const outcome of LOGIN_OUTCOMES) this.#logins.inc({ outcome }, 0);
    for (const outcome of REFRESH_OUTCOMES) this.#refreshes.inc({ outcome }, 0);
    for (const outcome of JWKS_FETCH_OUTCOMES) this.#jwksFetches.inc({ outcome }, 0);
    for (const feed of REVOCATION_FEEDS) this.#revocationLag.zero({ feed });
    if (options.processMetrics === true) collectDefaultMetrics({ register: this.registry });
  }

  /** The text exposition format of every metric. */
  expose(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  request(method: string, route: string, status: number, seconds: number): void {
    this.#requests.observe({ method, route, status: String(status) }, seconds);
  }

  /** `verifier` with each outcome counted (see countedVerifier). */
  countVerifications(verifier: Verifier): Verifier {
    return countedVerifier(verifier, this.#verifications);
  }

  login(outcome: LoginOutcome): void {
    this.#logins.inc({ outcome });
  }

  refresh(outcome: RefreshOutcome): void {
    this.#refreshes.inc({ outcome });
  }

  jwksFetch(outcome: JwksFetchOutcome): void {
    this.#jwksFetches.inc({ outcome });
  }

  /** A revocation (or security event) that was `ageMs` old when it arrived or was delivered. */
  revocationDelivered(feed: RevocationFeedName, ageMs: number): void {
    this.#revocationLag.observe({ feed }, Math.max(0, ageMs) / 1000);
  }

  /** Gauges read at scrape time (argon2 work, database, Redis, revocation sync): see MetricsProbes. */
  watch(probes: MetricsProbes): void {
    registerProbes(this.registry, probes);
  }
}
