import { feedUrl, type SetFeedSettings } from './options.js';

/** A feed request that failed: `status` is the HTTP status, or 0 when none came (network, timeout). */
export class SetFeedError extends Error {
  constructor(
    readonly status: number,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'SetFeedError';
  }
}

/** The body of an RFC 8936 poll request. */
export interface PollBody {
  ack: string[];
  setErrs: Record<string, { err: string; description: string }>;
  maxEvents: number;
  returnImmediately: boolean;
}

/** The body of an RFC 8936 poll answer: SETs by jti. */
export interface PollAnswer {
  sets: Record<string, string>;
  moreAvailable: boolean;
}

const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

/** The feed's HTTP calls, each with this service's Bearer token and a deadline. */
export class FeedHttp {
  constructor(private readonly settings: SetFeedSettings) {}

  /** Creates a poll stream (SSF §8.1.1.1) and returns its poll URL (same origin as the streams URL). */
  async createStream(token: string, signal: AbortSignal): Promise<URL> {
    const answer = await this.#post(
      this.settings.streamsUrl,
      token,
      { delivery: { method: 'urn:ietf:rfc:8936' } },
      signal,
    );
    const endpoint = (answer as { delivery?: { endpoint_url?: unknown } } | null)?.delivery?.endpoint_url;
    if (typeof endpoint !== 'string') throw new SetFeedError(0, 'SET feed: the stream has no poll endpoint_url');
    const url = feedUrl(endpoint, 'endpoint_url');
    // The Bearer token goes only where the streams live.
    if (url.origin !== this.settings.streamsUrl.origin)
      throw new SetFeedError(0, 'SET feed: the poll endpoint is on another origin');
    return url;
  }

  async poll(url: URL, token: string, body: PollBody, signal: AbortSignal): Promise<PollAnswer> {
    const answer = await this.#post(url, token, body, signal);
    const { sets, moreAvailable } = (answer ?? {}) as Partial<PollAnswer>;
    if (
      typeof sets !== 'object' ||
      sets === null ||
      Array.isArray(sets) ||
      !Object.values(sets).every((s) => typeof s === 'string')
    ) {
      throw new SetFeedError(0, 'SET feed: the poll answer has no sets object');
    }
    return { sets, moreAvailable: moreAvailable === true };
  }

  /** Best effort, at close: the stream would otherwise be deleted once idle. */
  async deleteStream(pollUrl: URL, token: string, signal: AbortSignal): Promise<void> {
    const id = pollUrl.pathname.split('/').pop() ?? '';
    const url = new URL(this.settings.streamsUrl);
    url.searchParams.set('stream_id', decodeURIComponent(id));
    await this.settings.fetch(url, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
      signal,
      redirect: 'error',
    });
  }

  async #post(url: URL, token: string, body: unknown, signal: AbortSignal): Promise<unknown> {
    const deadline = AbortSignal.any([signal, AbortSignal.timeout(this.settings.requestTimeoutMs)]);
    let response: Response;
    try {
      response = await this.settings.fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
        signal: deadline,
        redirect: 'error',
      });
    } catch (error) {
      throw new SetFeedError(0, `SET feed: ${url.origin}${url.pathname} unreachable`, { cause: error });
    }
    const text = await response.text().catch(() => '');
    if (!response.ok)
      throw new SetFeedError(response.status, `SET feed: ${url.origin}${url.pathname} answered ${response.status}`);
    if (text.length > MAX_ANSWER_BYTES) throw new SetFeedError(0, 'SET feed: answer too large');
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new SetFeedError(0, 'SET feed: the answer is not JSON');
    }
  }
}
