import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for the Bulwark server's browser-facing API (docs in /work/notes/browser-api.md):
 * cookie-mode sign-in, cookie refresh with rotation and a reuse window, logout, /api/users/me,
 * and a few bearer-protected payroll-like routes. Every call is recorded for the assertions.
 */
export interface Call {
  method: string;
  path: string;
  authorization: string | undefined;
  cookie: string | undefined;
  body: unknown;
}

export interface FakeServer {
  baseUrl: string;
  calls: Call[];
  count(method: string, path: string): number;
  /** Every access token issued so far answers 401 token_expired from now on. */
  expireAccessTokens(): void;
  /** Every access token issued so far answers 401 invalid_token from now on. */
  revokeAccessTokens(): void;
  /** expires_in of the access tokens issued from now on (seconds). */
  expiresIn: number;
  /** Delay before the refresh endpoint answers, so that concurrent callers really overlap. */
  refreshDelayMs: number;
  /** Every access token ever issued, to look for in places it must never be. */
  issuedAccessTokens: string[];
  close(): Promise<void>;
}

export const ALICE = {
  id: 'u-alice',
  username: 'alice',
  role: 'clerk',
  employee_id: null,
  disabled: false,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
} as const;
export const ALICE_PASSWORD = 'correct horse battery staple';
/** The scope of every access token the fake server issues (the demo admin's at payroll). */
export const ALICE_SCOPE = 'profile payroll:read payroll:write admin';
const COOKIE = 'bulwark_refresh';
const COOKIE_ATTRIBUTES = 'HttpOnly; SameSite=Strict; Path=/api/users-sessions';

interface Session {
  refreshToken: string;
  previous?: { refreshToken: string; answer: TokenAnswer };
  alive: boolean;
}
interface TokenAnswer {
  refreshToken: string;
  body: { access_token: string; token_type: 'Bearer'; expires_in: number; session_id: string; scope: string };
}

export async function startFakeServer(): Promise<FakeServer> {
  const calls: Call[] = [];
  const sessions = new Map<string, Session>();
  const accessTokens = new Map<string, { sessionId: string; state: 'ok' | 'expired' | 'revoked' }>();
  const issuedAccessTokens: string[] = [];
  let serial = 0;

  function issue(sessionId: string): TokenAnswer {
    serial += 1;
    const accessToken = `at-${serial}-${Math.random().toString(36).slice(2)}`;
    accessTokens.set(accessToken, { sessionId, state: 'ok' });
    issuedAccessTokens.push(accessToken);
    return {
      refreshToken: `rt-${serial}-${Math.random().toString(36).slice(2)}`,
      body: {
        access_token: accessToken,
        token_type: 'Bearer',
        expires_in: server.expiresIn,
        session_id: sessionId,
        scope: ALICE_SCOPE,
      },
    };
  }

  function problem(
    res: ServerResponse,
    status: number,
    code: string,
    title: string,
    headers: Record<string, string> = {},
    detail?: string,
  ): void {
    res.writeHead(status, { 'content-type': 'application/problem+json', ...headers });
    res.end(
      JSON.stringify({
        type: `https://bulwark.dev/problems/${code}`,
        title,
        status,
        code,
        ...(detail === undefined ? {} : { detail }),
      }),
    );
  }

  function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  }

  /** The session of a valid bearer token, or an answered 401. */
  function authenticate(req: IncomingMessage, res: ServerResponse): string | undefined {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const known = token === undefined ? undefined : accessTokens.get(token);
    if (known === undefined || known.state === 'revoked' || sessions.get(known.sessionId)?.alive !== true) {
      problem(res, 401, 'invalid_token', 'Invalid token', { 'www-authenticate': 'Bearer error="invalid_token"' });
      return undefined;
    }
    if (known.state === 'expired') {
      problem(res, 401, 'token_expired', 'Token expired', {
        'www-authenticate': 'Bearer error="invalid_token", error_description="expired"',
      });
      return undefined;
    }
    return known.sessionId;
  }

  function refreshCookie(req: IncomingMessage): string | undefined {
    for (const part of (req.headers.cookie ?? '').split(';')) {
      const [name, ...value] = part.trim().split('=');
      if (name === COOKIE) return value.join('=');
    }
    return undefined;
  }

  const server: FakeServer = {
    baseUrl: '',
    calls,
    issuedAccessTokens,
    refreshDelayMs: 0,
    expiresIn: 900,
    count: (method, path) => calls.filter((c) => c.method === method && c.path === path).length,
    expireAccessTokens: () => accessTokens.forEach((t) => (t.state = 'expired')),
    revokeAccessTokens: () => accessTokens.forEach((t) => (t.state = 'revoked')),
    close: () => new Promise((resolve) => http.close(() => resolve())),
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = '';
    for await (const chunk of req) raw += String(chunk);
    const body: unknown = raw === '' ? undefined : JSON.parse(raw);
    const url = new URL(req.url ?? '/', 'http://fake');
    const route = `${req.method} ${url.pathname}`;
    calls.push({
      method: req.method ?? '',
      path: url.pathname,
      authorization: req.headers.authorization,
      cookie: req.headers.cookie,
      body,
    });

    if (route === 'POST /api/users-sessions') {
      const { username, password, refresh_delivery: delivery } = body as Record<string, string>;
      if (username === 'throttled')
        return problem(res, 429, 'too_many_requests', 'Too many requests', { 'retry-after': '7' });
      if (username !== ALICE.username || password !== ALICE_PASSWORD)
        return problem(res, 401, 'invalid_credentials', 'Invalid credentials');
      const sessionId = `s-${sessions.size + 1}`;
      const answer = issue(sessionId);
      sessions.set(sessionId, { refreshToken: answer.refreshToken, alive: true });
      const refresh = delivery === 'cookie' ? {} : { refresh_token: answer.refreshToken };
      return json(
        res,
        201,
        { ...answer.body, ...refresh },
        { 'set-cookie': `${COOKIE}=${answer.refreshToken}; ${COOKIE_ATTRIBUTES}` },
      );
    }
    if (route === 'POST /api/users-sessions/refresh') {
      await new Promise((resolve) => setTimeout(resolve, server.refreshDelayMs));
      const presented = refreshCookie(req);
      for (const [sessionId, session] of sessions) {
        if (!session.alive || presented === undefined) continue;
        // The reuse window: two tabs presenting the same token at once both get its one successor.
        const answer =
          session.previous?.refreshToken === presented
            ? session.previous.answer
            : session.refreshToken === presented
              ? issue(sessionId)
              : undefined;
        if (answer === undefined) continue;
        if (session.refreshToken === presented) {
          session.previous = { refreshToken: presented, answer };
          session.refreshToken = answer.refreshToken;
        }
        return json(res, 200, answer.body, { 'set-cookie': `${COOKIE}=${answer.refreshToken}; ${COOKIE_ATTRIBUTES}` });
      }
      return problem(res, 401, 'invalid_grant', 'Invalid grant');
    }

    const sessionId = authenticate(req, res);
    if (sessionId === undefined) return;
    if (route === 'DELETE /api/users-sessions/current') {
      sessions.get(sessionId)!.alive = false;
      res.writeHead(204, { 'set-cookie': `${COOKIE}=; ${COOKIE_ATTRIBUTES}; Max-Age=0` });
      return void res.end();
    }
    if (route === 'GET /api/users/me') return json(res, 200, ALICE);
    if (route === 'GET /api/payments')
      return json(res, 200, {
        items: [],
        limit: Number(url.searchParams.get('limit') ?? 50),
        status: url.searchParams.get('status'),
      });
    if (route === 'POST /api/payments') return json(res, 201, { id: 'p-1', ...(body as object) });
    if (route === 'DELETE /api/payments/p-1') return void res.writeHead(204).end();
    if (route === 'GET /api/conflict')
      return problem(res, 409, 'conflict', 'Conflict', {}, 'The payment was already approved.');
    if (route === 'GET /api/bad-gateway') {
      res.writeHead(502, { 'content-type': 'text/html' });
      return void res.end('<html>proxy error</html>');
    }
    problem(res, 404, 'not_found', 'Not found');
  }

  const http = createServer((req, res) => {
    handle(req, res).catch(() => problem(res, 400, 'invalid_request', 'Bad request'));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  server.baseUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return server;
}
