import { ALICE_PASSWORD } from './fake-server.js';

/**
 * The login steps of issue #13 in front of the fake server (a fetch wrapper, so fake-server.ts
 * stays as it is): `alice-mfa` gets 401 mfa_required, `alice-reset` 401 password_change_required,
 * and a finished step logs in as alice on the fake server (so the cookie and tokens are real
 * there). With `stepUp` set, POST /api/payments answers 401 insufficient_user_authentication.
 */
export const TOTP_CODE = '123456';
export const RECOVERY_CODE = 'abcd-efgh-ijkm-npqr';

export interface LoginStepsLayer {
  fetch: typeof fetch;
  /** The bodies the step endpoints received. */
  received: Array<{ path: string; body: Record<string, unknown> }>;
  /** Every mfa_token and password_change_token handed out, to look for where they must not be. */
  issuedLoginTokens: string[];
  /** alice-mfa must also change her password after the code. */
  changeAfterMfa: boolean;
  stepUp: boolean;
}

const problem = (
  status: number,
  code: string,
  title: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Response =>
  new Response(JSON.stringify({ type: `https://bulwark.dev/problems/${code}`, title, status, code, ...extra }), {
    status,
    headers: { 'content-type': 'application/problem+json', ...headers },
  });

export function loginStepsLayer(inner: typeof fetch): LoginStepsLayer {
  const mfaTokens = new Set<string>();
  const changeTokens = new Set<string>();
  const usedRecoveryCodes = new Set<string>();
  const layer: LoginStepsLayer = {
    fetch: undefined as unknown as typeof fetch,
    received: [],
    issuedLoginTokens: [],
    changeAfterMfa: false,
    stepUp: false,
  };

  const token = (kind: Set<string>): string => {
    const value = `lt-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
    kind.add(value);
    layer.issuedLoginTokens.push(value);
    return value;
  };
  /** The step is done: log in as alice on the fake server with the delivery the step asked for. */
  const finish = (url: URL, init: RequestInit, delivery: unknown): Promise<Response> =>
    inner(new URL('/api/users-sessions', url).href, {
      ...init,
      body: JSON.stringify({ username: 'alice', password: ALICE_PASSWORD, refresh_delivery: delivery }),
    });
  const needChange = (): Response =>
    problem(401, 'password_change_required', 'Password change required', {
      password_change_token: token(changeTokens),
      expires_in: 300,
    });

  layer.fetch = (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(input instanceof Request ? input.url : input);
    const route = `${init.method ?? 'GET'} ${url.pathname}`;
    const body = typeof init.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : {};
    if (route.startsWith('POST /api/users-sessions') && route !== 'POST /api/users-sessions/refresh')
      layer.received.push({ path: url.pathname, body });

    if (route === 'POST /api/users-sessions' && body.password === ALICE_PASSWORD) {
      if (body.username === 'alice-mfa')
        return problem(401, 'mfa_required', 'Second factor required', { mfa_token: token(mfaTokens), expires_in: 300 });
      if (body.username === 'alice-reset') return needChange();
    }
    if (route === 'POST /api/users-sessions/mfa') {
      const presented = String(body.mfa_token);
      if (!mfaTokens.has(presented)) return problem(401, 'invalid_login_token', 'Invalid login token');
      const code = String(body.code);
      const recovery = code === RECOVERY_CODE && !usedRecoveryCodes.has(code);
      if (code !== TOTP_CODE && !recovery)
        return problem(401, 'invalid_mfa_code', 'Invalid code', { detail: 'The code is wrong or was already used.' });
      mfaTokens.delete(presented);
      if (recovery) usedRecoveryCodes.add(code);
      return layer.changeAfterMfa ? needChange() : finish(url, init, body.refresh_delivery);
    }
    if (route === 'POST /api/users-sessions/password-change') {
      const presented = String(body.password_change_token);
      if (!changeTokens.has(presented)) return problem(401, 'invalid_login_token', 'Invalid login token');
      // As the server: a policy failure leaves the token usable for another try.
      if (String(body.new_password).length < 12)
        return problem(400, 'invalid_request', 'Invalid request', { detail: 'At least 12 characters.' });
      changeTokens.delete(presented);
      return finish(url, init, body.refresh_delivery);
    }
    if (route === 'POST /api/payments' && layer.stepUp && new Headers(init.headers).has('authorization')) {
      return problem(
        401,
        'insufficient_user_authentication',
        'More recent authentication is required',
        {},
        {
          'www-authenticate':
            'Bearer realm="bulwark", error="insufficient_user_authentication", error_description="More recent authentication is required", max_age=900',
        },
      );
    }
    return inner(input, init);
  }) as typeof fetch;
  return layer;
}
