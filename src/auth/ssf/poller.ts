import { performance } from 'node:perf_hooks';
import type { SecurityEventRecord, SecurityEventsStore, SecurityEventStreamRecord } from '../../store/types.js';
import { setClaims } from './event-types.js';
import type { FeedWakeup } from './wakeup.js';

/** An RFC 8936 poll request, already schema-validated. */
export interface PollRequest {
  ack?: string[] | undefined;
  setErrs?: Record<string, { err: string; description?: string | undefined }> | undefined;
  maxEvents?: number | undefined;
  returnImmediately?: boolean | undefined;
}

export interface PollResponse {
  sets: Record<string, string>;
  moreAvailable: boolean;
}

export interface PollerSettings {
  issuer: string;
  /** Longest a poll is held open waiting for an event. */
  longPollMs: number;
  /** SETs in one answer when the request does not say (and the most it may ask for). */
  defaultMaxEvents: number;
  maxMaxEvents: number;
  now: () => number;
  /** Signs SET claims as a compact JWS with typ secevent+jwt and the active key. */
  sign: (claims: Record<string, unknown>) => string;
  /** Hears each SET a receiver reports it could not process (no SET content). */
  onSetError?: ((streamId: string, eventId: string, err: string) => void) | undefined;
  /** Hears the age of each event handed out (redeliveries of unacknowledged SETs included). */
  onDelivered?: ((ageMs: number) => void) | undefined;
}

/** A SET's jti names both the event and the stream, so an ack can only acknowledge its own stream's SETs. */
export function setJti(eventId: string, streamId: string): string {
  return `${eventId}.${streamId}`;
}

function eventIdOf(jti: string, streamId: string): string | undefined {
  const dot = jti.indexOf('.');
  return dot > 0 && jti.slice(dot + 1) === streamId ? jti.slice(0, dot) : undefined;
}

/**
 * RFC 8936 polling over the security event log: acknowledge what the receiver acked (or reported
 * as an error, which also ends its delivery), then answer the live events the stream has not
 * acknowledged, oldest first. With none and returnImmediately false the request is held until an
 * event arrives or `longPollMs` passes. Unacknowledged SETs are delivered again on every poll.
 */
export class SetPoller {
  constructor(
    private readonly events: SecurityEventsStore,
    private readonly wakeup: FeedWakeup,
    private readonly settings: PollerSettings,
  ) {}

  async poll(stream: SecurityEventStreamRecord, request: PollRequest, signal?: AbortSignal): Promise<PollResponse> {
    const { settings } = this;
    await this.#acknowledge(stream.id, request);
    await this.events.touchStream(stream.id, settings.now());
    const maxEvents = Math.min(request.maxEvents ?? settings.defaultMaxEvents, settings.maxMaxEvents);
    if (maxEvents === 0)
      return { sets: {}, moreAvailable: (await this.events.pending(stream.id, settings.now(), 1)).length > 0 };
    // Real elapsed time, not the clock of claims (which tests freeze).
    const deadline = performance.now() + settings.longPollMs;
    for (;;) {
      const ticket = this.wakeup.ticket();
      const pending = await this.events.pending(stream.id, settings.now(), maxEvents + 1);
      const remaining = deadline - performance.now();
      if (
        pending.length > 0 ||
        request.returnImmediately === true ||
        remaining <= 0 ||
        this.wakeup.closed ||
        signal?.aborted === true
      ) {
        return this.#answer(stream, pending.slice(0, maxEvents), pending.length > maxEvents);
      }
      await ticket.wait(remaining, signal);
    }
  }

  async #acknowledge(streamId: string, request: PollRequest): Promise<void> {
    const errors = Object.entries(request.setErrs ?? {});
    for (const [jti, error] of errors) {
      const eventId = eventIdOf(jti, streamId);
      if (eventId !== undefined) this.settings.onSetError?.(streamId, eventId, error.err);
    }
    const ids = [...(request.ack ?? []), ...errors.map(([jti]) => jti)]
      .map((jti) => eventIdOf(jti, streamId))
      .filter((id): id is string => id !== undefined);
    await this.events.acknowledge(streamId, [...new Set(ids)], this.settings.now());
  }

  #answer(stream: SecurityEventStreamRecord, events: SecurityEventRecord[], moreAvailable: boolean): PollResponse {
    const now = this.settings.now();
    const iat = Math.floor(now / 1000);
    const sets: Record<string, string> = {};
    for (const event of events) {
      const jti = setJti(event.id, stream.id);
      sets[jti] = this.settings.sign(
        setClaims(event, { issuer: this.settings.issuer, audience: stream.clientId, jti, iat }),
      );
      this.settings.onDelivered?.(now - event.occurredAt);
    }
    return { sets, moreAvailable };
  }
}
