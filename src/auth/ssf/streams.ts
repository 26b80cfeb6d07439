import { randomBytes } from 'node:crypto';
import { ConflictError, NotFoundError } from '../../errors/index.js';
import type { SecurityEventsStore, SecurityEventStreamRecord } from '../../store/types.js';
import { EVENTS_SUPPORTED } from './event-types.js';
import { AUTH_DEFAULTS } from '../defaults.js';

export const POLL_DELIVERY = 'urn:ietf:rfc:8936';
/** Streams one client may hold at once (one per running instance of its service is the norm). */

export interface StreamSettings {
  issuer: string;
  /** A stream not polled for this long is deleted (its receiver starts a new one). */
  inactivityTimeoutMs: number;
  now: () => number;
}

/** The SSF 1.0 stream configuration a receiver reads back (events_delivered: every supported event). */
export function streamView(stream: SecurityEventStreamRecord, settings: StreamSettings): Record<string, unknown> {
  return {
    stream_id: stream.id,
    iss: settings.issuer,
    aud: stream.clientId,
    events_supported: EVENTS_SUPPORTED,
    events_delivered: EVENTS_SUPPORTED,
    delivery: { method: POLL_DELIVERY, endpoint_url: `${settings.issuer}/ssf/poll/${stream.id}` },
    inactivity_timeout: Math.floor(settings.inactivityTimeoutMs / 1000),
  };
}

/**
 * Receivers' streams (SSF 1.0 §8.1.1): a client creates one per receiving process; a new stream
 * starts with every live event, which is how a receiver that keeps its revocations in memory
 * catches up after a restart. A client sees and deletes only its own streams.
 */
export class StreamRegistry {
  constructor(
    private readonly events: SecurityEventsStore,
    private readonly settings: StreamSettings,
  ) {}

  async create(clientId: string): Promise<SecurityEventStreamRecord> {
    if ((await this.events.listStreams(clientId)).length >= AUTH_DEFAULTS.maxStreamsPerClient) {
      throw new ConflictError('too many streams', {
        detail: `A client may hold at most ${AUTH_DEFAULTS.maxStreamsPerClient} streams; delete unused ones.`,
      });
    }
    const now = this.settings.now();
    const stream = { id: randomBytes(16).toString('base64url'), clientId, createdAt: now, lastPolledAt: now };
    await this.events.createStream(stream);
    return stream;
  }

  /** The client's own stream; 404 for another client's, exactly as for none. */
  async get(clientId: string, streamId: string): Promise<SecurityEventStreamRecord> {
    const stream = await this.events.findStream(streamId);
    if (stream === undefined || stream.clientId !== clientId) throw new NotFoundError('stream');
    return stream;
  }

  list(clientId: string): Promise<SecurityEventStreamRecord[]> {
    return this.events.listStreams(clientId);
  }

  async delete(clientId: string, streamId: string): Promise<void> {
    await this.get(clientId, streamId);
    await this.events.deleteStream(streamId);
  }
}
