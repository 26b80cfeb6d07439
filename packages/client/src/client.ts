import { createDpop } from './dpop.js';
import { accountFlows } from './accounts.js';
import { registryCalls } from './registry.js';
import { createEmitter } from './events.js';
import { loginStepProblem, type LoginStep } from './login-steps.js';
import { createPasskeys, signInWithPasskey } from './passkeys/passkeys.js';
import { problemFromResponse } from './problem-error.js';
import { createRefreshCoordinator, FRESH_MARGIN_MS } from './refresh-coordinator.js';
import { openTabChannel } from './tab-channel.js';
import { createTokenStore } from './token-store.js';
import { createSend, discard, problemCode, readGrant, withQuery } from './transport.js';
import type { BulwarkClient, BulwarkClientOptions, BulwarkUser, HttpMethod, RequestOptions } from './types.js';
import { CODE } from './codes.js';

const SESSIONS = '/api/users-sessions';
/** The refresh cookie (HttpOnly, Path=/api/users-sessions) rides along on same-origin calls only. */
const WITH_COOKIE = { credentials: 'same-origin' } as const;
const NO_SCOPE: readonly string[] = Object.freeze([]);

/** Creates a Bulwark client: sign-in, silent restore, requests with the access token (kept in memory only),
 * refresh on expiry shared across tabs, DPoP where WebCrypto exists. See the README for each method. */
export function createBulwarkClient(options: BulwarkClientOptions = {}): BulwarkClient {
  // Late-bound so a fetch replaced after creation (instrumentation) is used, and never called as a method.
  const send = createSend(options.baseUrl ?? '', options.fetch ?? ((url, init) => fetch(url, init)));
  const dpop = createDpop(options.dpop !== false, options.baseUrl ?? '');
  /** The DPoP header of a token request (login, refresh), when DPoP is on. */
  const proofHeader = async (path: string): Promise<Record<string, string>> => {
    const proof = await dpop.proof('POST', path);
    return proof === null ? {} : { dpop: proof };
  };
  const store = createTokenStore();
  // Whether the token held is DPoP-bound: it then goes out as `DPoP` with a proof (any tab's grant
  // says), and its scope.
  let bound = false;
  let scope: readonly string[] = NO_SCOPE;
  const keep = store.set;
  store.set = (grant) => {
    bound = grant.dpop === true;
    // A grant may come from another tab (structured clone): kept only as a list of strings.
    scope = Array.isArray(grant.scope)
      ? Object.freeze(grant.scope.filter((s): s is string => typeof s === 'string'))
      : NO_SCOPE;
    keep(grant);
  };
  const events = createEmitter();
  let user: BulwarkUser | null = null;

  /** Local sign-out: the token is forgotten, 'signout' fires if this tab was signed in. */
  function forget(): void {
    const wasSignedIn = user !== null || store.get() !== null;
    store.clear();
    user = null;
    scope = NO_SCOPE;
    if (wasSignedIn) events.emit('signout', null);
  }

  const channel = openTabChannel(options.channelName ?? 'bulwark-auth', (message) => {
    if (message.kind === 'signout') return forget();
    store.set(message);
    if (message.kind === 'signin') {
      user = message.user;
      events.emit('signin', user);
    } else if (user !== null) events.emit('refresh', user);
  });

  const coordinator = createRefreshCoordinator({
    store,
    channel,
    async refreshOverNetwork() {
      const res = await send(`${SESSIONS}/refresh`, {
        method: 'POST',
        ...WITH_COOKIE,
        headers: await proofHeader(`${SESSIONS}/refresh`),
      });
      if (res.status !== 401) return readGrant(res);
      discard(res);
      return null;
    },
    onRefreshed: () => {
      if (user !== null) events.emit('refresh', user);
    },
  });

  async function renew(stale: string | null): Promise<string | null> {
    const token = await coordinator.refresh(stale);
    if (token === null) forget();
    return token;
  }

  /** A fresh DPoP proof (with ath) for every send, retries included; else the Bearer scheme. */
  async function authorize(path: string, init: RequestInit, token: string | null): Promise<RequestInit> {
    if (token === null) return init;
    const headers = new Headers(init.headers);
    const proof = bound ? await dpop.proof(init.method ?? 'GET', path.split('?')[0] as string, token) : null;
    headers.set('authorization', `${proof === null ? 'Bearer' : 'DPoP'} ${token}`);
    if (proof !== null) headers.set('dpop', proof);
    return { ...init, headers };
  }

  async function authorizedFetch(path: string, init: RequestInit = {}): Promise<Response> {
    let token = store.get();
    // Shortly before expiry: refresh first (shared like any refresh); if that fails the old token still has seconds left.
    if (token !== null && !store.isFresh(FRESH_MARGIN_MS)) token = await renew(token).catch(() => token);
    const res = await send(path, await authorize(path, init, token));
    if (res.status !== 401 || token === null) return res;
    const code = await problemCode(res);
    if (code === CODE.invalid_token && store.get() === token) forget();
    if (code !== CODE.token_expired) return res;
    const next = await renew(token);
    if (next === null) return res;
    discard(res);
    return send(path, await authorize(path, init, next));
  }

  async function request<T>(
    method: HttpMethod,
    path: string,
    { body, headers, query, signal }: RequestOptions = {},
  ): Promise<T> {
    const sent = new Headers(headers);
    if (!sent.has('accept')) sent.set('accept', 'application/json, application/problem+json');
    if (body !== undefined) sent.set('content-type', 'application/json');
    const res = await authorizedFetch(withQuery(path, query), {
      method,
      headers: sent,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
    if (!res.ok) throw await problemFromResponse(res);
    const text = await res.text();
    if (text === '') return undefined as T;
    return (/json/i.test(res.headers.get('content-type') ?? '') ? JSON.parse(text) : text) as T;
  }

  /** One login step in cookie mode; a 401 asking for another step throws the error that takes it (login-steps.ts). */
  const logIn: LoginStep = async (path, fields) => {
    const res = await send(path, {
      method: 'POST',
      ...WITH_COOKIE,
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, application/problem+json',
        ...(await proofHeader(path)),
      },
      body: JSON.stringify({ ...fields, refresh_delivery: 'cookie' }),
    });
    if (res.status === 401) throw await loginStepProblem(res, logIn, request);
    const grant = await readGrant(res);
    store.set(grant);
    const me = await request<BulwarkUser>('GET', '/api/users/me');
    user = me;
    channel.post({ kind: 'signin', ...grant, user: me });
    events.emit('signin', me);
    return me;
  };

  return {
    get user() {
      return user;
    },

    get scope() {
      return scope;
    },

    async restore() {
      if ((await renew(null)) === null) return null;
      user = await request<BulwarkUser>('GET', '/api/users/me');
      events.emit('signin', user);
      return user;
    },

    signIn: (username, password) => logIn(SESSIONS, { username, password }),

    signInWithPasskey: () => signInWithPasskey(request, logIn),

    passkeys: createPasskeys(request),

    async signOut() {
      try {
        // A tab that never restored still ends the session its cookie holds.
        if ((store.get() ?? (await coordinator.refresh(null))) === null) return;
        const res = await authorizedFetch(`${SESSIONS}/current`, { method: 'DELETE', ...WITH_COOKIE });
        if (!res.ok && res.status !== 401) throw await problemFromResponse(res);
        discard(res);
      } finally {
        forget();
        channel.post({ kind: 'signout' });
      }
    },

    fetch: authorizedFetch,
    request,
    accounts: accountFlows(request),
    registry: registryCalls(request),
    on: (event, listener) => events.on(event, listener),

    close() {
      channel.close();
      events.clear();
    },
  };
}
