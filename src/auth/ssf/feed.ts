import type { Logger } from 'pino';
import type { HttpModule } from '../../http/app.js';
import { signJwt } from '../../jose/sign.js';
import type { AuthServices } from '../services.js';
import { SetPoller } from './poller.js';
import { createReceiverAuth, type ReceiverAuth } from './receiver-auth.js';
import { registerSsfRoutes } from './routes.js';
import { StreamRegistry, type StreamSettings } from './streams.js';
import { FeedWakeup } from './wakeup.js';
import { AUTH_DEFAULTS } from '../defaults.js';

export interface SetFeedOptions {
  /** Longest a poll is held open (default 25 s: under the server's 30 s idle-socket timeout). */
  longPollMs?: number | undefined;
  /** How often events appended by other processes are looked for (default 1 s; 0: never). */
  recheckMs?: number | undefined;
  /** A stream not polled for this long is deleted (default 24 h). */
  inactivityTimeoutMs?: number | undefined;
  logger?: Logger | undefined;
  /** The clock of iat and expiry (tests move it by hand). */
  now?: (() => number) | undefined;
  /** Hears the age of each event a poll answer delivers (for the revocation feed lag metric). */
  onDelivered?: ((ageMs: number) => void) | undefined;
}

/** The SET feed of one token-service process: its streams, its poller and what wakes it. */
export interface SetFeed {
  settings: StreamSettings;
  auth: ReceiverAuth;
  streams: StreamRegistry;
  poller: SetPoller;
  wakeup: FeedWakeup;
  /** The routes, mounted by the composition root beside the auth module. */
  module: HttpModule;
  /** Deletes expired events and idle streams (an upkeep task). */
  purge(): Promise<{ events: number; streams: number }>;
  close(): void;
}

/**
 * Revocations for third-party services as Security Event Tokens (RFC 8417) on an RFC 8936 poll
 * feed, described by OpenID SSF metadata. SETs are signed at delivery with the active signing
 * key, so receivers verify them with the same JWKS as access tokens. Public-key algorithms only:
 * with HS256 a receiver could not verify a SET without the secret, so there is no feed.
 */
export function createSetFeed(services: AuthServices, options: SetFeedOptions = {}): SetFeed | undefined {
  const { config, store, keys, revocations } = services;
  if (config.signingAlg === 'HS256') return undefined;
  const now = options.now ?? Date.now;
  const settings: StreamSettings = {
    issuer: config.issuer,
    inactivityTimeoutMs: options.inactivityTimeoutMs ?? AUTH_DEFAULTS.setFeed.inactivityTimeoutMs,
    now,
  };
  const wakeup = new FeedWakeup(
    () => store.securityEvents.changeMarker(),
    options.recheckMs ?? AUTH_DEFAULTS.setFeed.recheckMs,
    (error) => options.logger?.warn({ err: error }, 'security event log: change check failed'),
  );
  const unsubscribe = revocations.onRevocation(() => wakeup.notify());
  const poller = new SetPoller(store.securityEvents, wakeup, {
    issuer: config.issuer,
    longPollMs: options.longPollMs ?? AUTH_DEFAULTS.setFeed.longPollMs,
    defaultMaxEvents: 100,
    maxMaxEvents: 1000,
    now,
    sign: (claims) => signJwt(keys.signingKey(), { typ: 'secevent+jwt' }, claims),
    onSetError: (streamId, eventId, err) =>
      options.logger?.warn({ stream_id: streamId, event_id: eventId, err }, 'a receiver could not process a SET'),
    onDelivered: options.onDelivered,
  });
  const feed: SetFeed = {
    settings,
    auth: createReceiverAuth(config, { keys: keys.source, revocations: revocations.set, clients: store.clients, now }),
    streams: new StreamRegistry(store.securityEvents, settings),
    poller,
    wakeup,
    module: {
      name: 'ssf',
      register(app) {
        registerSsfRoutes(app, feed);
        // Held polls answer at once when the server closes, rather than holding the close for 25 s.
        app.addHook('preClose', (done) => {
          feed.close();
          done();
        });
      },
    },
    purge: () => store.securityEvents.purge(now(), now() - settings.inactivityTimeoutMs),
    close() {
      unsubscribe();
      wakeup.close();
    },
  };
  return feed;
}
