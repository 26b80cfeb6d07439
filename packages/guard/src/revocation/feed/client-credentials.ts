import { feedUrl } from './options.js';

/** The options of `clientCredentialsToken`. */
export interface ClientCredentialsOptions {
  /** The token service's token_endpoint (its RFC 8414 metadata says where). */
  tokenUrl: string | URL;
  clientId: string;
  clientSecret: string;
  /** Default `ssf:poll`: what reading the SET feed needs. */
  scope?: string | undefined;
  fetch?: typeof globalThis.fetch | undefined;
  now?: (() => number) | undefined;
  timeoutMs?: number | undefined;
}

/**
 * A `getAccessToken` for the SET feed source: the OAuth 2 client credentials grant (RFC 6749
 * §4.4, client_secret_basic), the token cached until 30 s before it expires or until the feed
 * refuses it. The secret is sent only to `tokenUrl` and is never part of an error message.
 */
export function clientCredentialsToken(options: ClientCredentialsOptions): (forceRefresh: boolean) => Promise<string> {
  const url = feedUrl(options.tokenUrl, 'tokenUrl');
  const { clientId, clientSecret } = options;
  if (typeof clientId !== 'string' || clientId === '' || typeof clientSecret !== 'string' || clientSecret === '') {
    throw new TypeError('client credentials: clientId and clientSecret must be non-empty strings');
  }
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const now = options.now ?? Date.now;
  const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64');
  let cached: { token: string; renewAt: number } | undefined;
  let inflight: Promise<string> | undefined;

  const fetchToken = async (): Promise<string> => {
    const body = new URLSearchParams({ grant_type: 'client_credentials', scope: options.scope ?? 'ssf:poll' });
    const response = await fetchImpl(url, {
      method: 'POST',
      headers: {
        authorization: `Basic ${basic}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body,
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      redirect: 'error',
    });
    const answer = (await response.json().catch(() => null)) as { access_token?: unknown; expires_in?: unknown } | null;
    if (!response.ok || typeof answer?.access_token !== 'string') {
      throw new Error(`client credentials: ${url.origin}${url.pathname} answered ${response.status}`);
    }
    const lifetime = typeof answer.expires_in === 'number' && answer.expires_in > 0 ? answer.expires_in : 60;
    cached = { token: answer.access_token, renewAt: now() + Math.max(lifetime - 30, lifetime / 2) * 1000 };
    return answer.access_token;
  };

  return (forceRefresh) => {
    if (!forceRefresh && cached !== undefined && now() < cached.renewAt) return Promise.resolve(cached.token);
    inflight ??= fetchToken().finally(() => {
      inflight = undefined;
    });
    return inflight;
  };
}
