import { BulwarkNetworkError, BulwarkProblemError, problemFromResponse } from './problem-error.js';
import type { Grant } from './types.js';

/** A fetch against the client's baseUrl. */
export type Send = (path: string, init: RequestInit) => Promise<Response>;

/** fetch against baseUrl; a failure to reach the server becomes BulwarkNetworkError (an abort stays an abort). */
export function createSend(baseUrl: string, fetchImpl: (url: string, init: RequestInit) => Promise<Response>): Send {
  return async (path, init) => {
    try {
      return await fetchImpl(baseUrl + path, init);
    } catch (error) {
      if ((error as { name?: unknown } | null)?.name === 'AbortError') throw error;
      throw new BulwarkNetworkError(error);
    }
  };
}

/** The answer's problem code when it is problem JSON; the response itself stays unread. */
export async function problemCode(res: Response): Promise<string | undefined> {
  try {
    const body = (await res.clone().json()) as { code?: unknown } | null;
    return typeof body?.code === 'string' ? body.code : undefined;
  } catch {
    return undefined;
  }
}

/** Reads a token answer (sign-in or refresh); a non-2xx answer throws its problem. */
export async function readGrant(res: Response): Promise<Grant> {
  if (!res.ok) throw await problemFromResponse(res);
  const body = (await res.json()) as {
    access_token?: unknown;
    expires_in?: unknown;
    token_type?: unknown;
    scope?: unknown;
  };
  if (typeof body.access_token !== 'string' || typeof body.expires_in !== 'number') {
    throw new BulwarkProblemError({
      status: res.status,
      code: 'invalid_response',
      title: 'The token answer had no access token',
    });
  }
  const grant: Grant = { accessToken: body.access_token, expiresAt: Date.now() + body.expires_in * 1000 };
  if (body.token_type === 'DPoP') grant.dpop = true;
  if (typeof body.scope === 'string') grant.scope = body.scope.split(' ').filter((s) => s !== '');
  return grant;
}

/** Lets the connection go back to the pool without reading a body nobody needs. */
export function discard(res: Response): void {
  res.body?.cancel().catch(() => undefined);
}

/** `path` with the query's defined values appended, URL-encoded. */
export function withQuery(
  path: string,
  query: Record<string, string | number | boolean | null | undefined> = {},
): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query))
    if (value !== null && value !== undefined) params.append(key, String(value));
  const search = params.toString();
  return search === '' ? path : `${path}${path.includes('?') ? '&' : '?'}${search}`;
}
