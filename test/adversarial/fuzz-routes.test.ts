/**
 * Property-based fuzzing of every route of a real listening `bulwark serve`, derived from its own
 * GET /openapi.json (a new route is fuzzed without touching this file). Each generated request
 * is sent as admin (alice), clerk (bob), employee (carol) and anonymous, and every answer must
 * keep CONTRACT §4: never a 5xx, every 4xx an application/problem+json whose `status` is the
 * HTTP status with a non-empty `code`, no stack trace, no password, refresh token or password
 * hash of the test's users in any body, no secret of the request echoed back; and on the way:
 * anonymous callers never get a 2xx from a secured route, clerks and employees never from an
 * admin-only one, and a 401 invalid_token always carries WWW-Authenticate.
 *
 * Destructive requests are kept off the demo users: path ids come from pools of throwaway users
 * and sessions (created here through the admin API), never alice's, bob's or carol's; a request
 * that ends an identity's session (logout, key rotation with revoke_current) is followed by a
 * fresh login, so the run keeps exercising authenticated code paths (checked at the end).
 *
 * The whole suite runs against SQLite, and again against Postgres when BULWARK_TEST_DATABASE_URL
 * is set (CI), each in a schema of its own. A failure prints fast-check's shrunk counterexample
 * and the request as sent; BULWARK_FUZZ_SEED=<seed in the test name> replays the same inputs
 * (the number of runs per route depends on the clock). BULWARK_FUZZ_BUDGET_MS and
 * BULWARK_FUZZ_RUNS tune the run.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import {
  ADMIN_ONLY,
  CONTRACT_ROUTES,
  requestArb,
  routesFromOpenApi,
  unroutedPathArb,
  bodyArb,
  headersArb,
  type OpenApiDocument,
  type Pools,
  type RequestSpec,
  type RouteSpec,
} from './fuzz-arbitraries.js';
import { createTestSchema, TEST_DATABASE_URL } from '../helpers/postgres.js';
import { GENEROUS_LIMITS, startTarget, type Target } from './harness.js';

const SEED = Number(process.env.BULWARK_FUZZ_SEED ?? (Date.now() ^ (Math.random() * 0x7fffffff)) | 0);
/**
 * Wall-clock budget for the fuzzing itself (set-up and the final checks come on top), shared by
 * the stores fuzzed: SQLite always, Postgres too where a test database is configured (as in CI):
 * Postgres refuses strings SQLite stores (U+0000), so each store has answers of its own.
 */
const BUDGET_MS = Number(process.env.BULWARK_FUZZ_BUDGET_MS ?? 30_000);
type StoreKind = 'sqlite' | 'postgres';
const STORES: StoreKind[] = TEST_DATABASE_URL === undefined ? ['sqlite'] : ['sqlite', 'postgres'];
const RUNS_PER_ROUTE = Number(process.env.BULWARK_FUZZ_RUNS ?? 450);
/** Runs every route gets whatever the clock says (seed SEED + i); more (seed SEED + 1000 + i) within its time share. */
const MIN_RUNS_PER_ROUTE = 30;
const REQUEST_TIMEOUT_MS = 15_000;

type IdentityName = 'admin' | 'clerk' | 'employee' | 'anonymous';
interface Identity {
  name: IdentityName;
  user: string | undefined;
  token: string | undefined;
}

function fuzzSuite(store: StoreKind, budgetMs: number): void {
  let target: Target;
  let dropSchema: (() => Promise<void>) | undefined;
  let routes: RouteSpec[];
  const identities: Identity[] = [
    { name: 'admin', user: 'alice', token: undefined },
    { name: 'clerk', user: 'bob', token: undefined },
    { name: 'employee', user: 'carol', token: undefined },
    { name: 'anonymous', user: undefined, token: undefined },
  ];
  const pools: Pools = { users: [], sessions: [], employees: [], payments: [], usernames: [], refreshTokens: [] };
  /** Ids of alice, bob and carol: never a path parameter of a destructive request. */
  const protectedUsers = new Set<string>();
  /** Strings no answer may contain: passwords and refresh tokens the test knows. */
  const secrets = new Set<string>();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

  const stats = {
    requests: 0,
    notSent: 0,
    byStatus: new Map<number, number>(),
    byRoute: new Map<string, { runs: number; requests: number; pastAuth: number }>(),
    /** Requests with a real identity's token on a secured route, and those not answered 401. */
    authenticated: 0,
    pastAuthentication: 0,
    relogins: 0,
  };

  // ---- HTTP --------------------------------------------------------------------------------------

  interface Answer {
    status: number;
    headers: http.IncomingHttpHeaders;
    text: string;
  }

  function rawRequest(
    method: string,
    path: string,
    headers: Record<string, string>,
    body: Buffer | undefined,
    useAgent: boolean,
  ): Promise<Answer> {
    const { hostname, port } = new URL(target.url);
    return new Promise((resolve, reject) => {
      const req = http.request(
        { host: hostname, port, method, path, headers, agent: useAgent ? agent : false, timeout: REQUEST_TIMEOUT_MS },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms (hang)`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  /**
   * The same request over a bare socket, the answer read to the connection's end and parsed
   * leniently: for answers Node's HTTP client refuses to parse (the parse-error answer of the
   * server's client-error handler carries a body even when the unparsable request was a HEAD).
   */
  function socketRequest(
    method: string,
    path: string,
    headers: Record<string, string>,
    body: Buffer | undefined,
  ): Promise<Answer> {
    const { hostname, port } = new URL(target.url);
    const head = [
      `${method} ${path} HTTP/1.1`,
      `host: ${hostname}:${port}`,
      ...Object.entries({ ...headers, connection: 'close' }).map(([k, v]) => `${k}: ${v}`),
    ].join('\r\n');
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      const socket = net.connect(Number(port), hostname, () =>
        socket.end(Buffer.concat([Buffer.from(`${head}\r\n\r\n`, 'latin1'), body ?? Buffer.alloc(0)])),
      );
      socket.setTimeout(REQUEST_TIMEOUT_MS, () =>
        socket.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms (hang)`)),
      );
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.on('error', reject);
      socket.on('close', () => {
        const raw = Buffer.concat(chunks);
        const split = raw.indexOf('\r\n\r\n');
        const lines = raw
          .subarray(0, split < 0 ? raw.length : split)
          .toString('latin1')
          .split('\r\n');
        const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '')?.[1] ?? 0);
        if (status === 0) {
          reject(new Error(`no parsable HTTP answer: ${JSON.stringify(raw.subarray(0, 200).toString('latin1'))}`));
          return;
        }
        const answerHeaders: http.IncomingHttpHeaders = {};
        for (const line of lines.slice(1)) {
          const colon = line.indexOf(':');
          if (colon > 0) answerHeaders[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
        }
        resolve({ status, headers: answerHeaders, text: split < 0 ? '' : raw.subarray(split + 4).toString('utf8') });
      });
    });
  }

  class NotSent extends Error {}

  /** Sends; a request Node's client refuses to write (its own header/path checks) is NotSent. */
  async function send(
    method: string,
    path: string,
    headers: Record<string, string>,
    body: Buffer | undefined,
  ): Promise<Answer> {
    const all = { ...headers };
    if (body !== undefined) all['content-length'] = String(body.length);
    try {
      return await rawRequest(method, path, all, body, true);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (
        code === 'ERR_INVALID_CHAR' ||
        code === 'ERR_UNESCAPED_CHARACTERS' ||
        code === 'ERR_INVALID_HTTP_TOKEN' ||
        code === 'ERR_HTTP_INVALID_HEADER_VALUE'
      ) {
        throw new NotSent(String(code));
      }
      if (code?.startsWith('HPE_') === true) return await socketRequest(method, path, all, body);
      if (code === 'ECONNRESET' || code === 'EPIPE' || (error as Error).message === 'socket hang up') {
        // A pooled keep-alive socket the server had closed (or closed after a 4xx): once more alone.
        return await rawRequest(method, path, { ...all, connection: 'close' }, body, false);
      }
      throw error;
    }
  }

  async function apiJson<T>(
    method: string,
    path: string,
    token: string | undefined,
    body?: unknown,
  ): Promise<{ status: number; json: T }> {
    const headers: Record<string, string> = {};
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    let bytes: Buffer | undefined;
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      bytes = Buffer.from(JSON.stringify(body));
    }
    const answer = await send(method, path, headers, bytes);
    return { status: answer.status, json: (answer.text === '' ? undefined : JSON.parse(answer.text)) as T };
  }

  async function login(identity: Identity): Promise<void> {
    if (identity.user === undefined) return;
    const body = await target.login(identity.user);
    identity.token = body.access_token;
    secrets.add(body.refresh_token);
  }

  // ---- judging -----------------------------------------------------------------------------------

  const STACK_LINE = /^\s{4}at /m;
  const STACK_FRAME = /\bat \S+ \(?(?:file:|node:|\/)[^)\n]*:\d+:\d+\)?/;
  const SECRET_FIELDS = ['password', 'current_password', 'new_password', 'refresh_token'];

  function describeRequest(identity: Identity, spec: RequestSpec, headers: Record<string, string>): string {
    const body =
      spec.body.bytes === undefined ? '(none)' : JSON.stringify(spec.body.bytes.subarray(0, 300).toString('latin1'));
    const shown = Object.fromEntries(
      Object.entries(headers).map(([k, v]) => [
        k,
        k === 'authorization' ? v.replace(/[A-Za-z0-9_-]{20,}/g, '<token>') : v.slice(0, 120),
      ]),
    );
    return `${identity.name}: ${spec.method} ${spec.path.slice(0, 300)} [${spec.body.kind}, content-type ${spec.body.contentType ?? '(none)'}] headers ${JSON.stringify(shown)} body ${body}`;
  }

  /** Secret-looking strings of the request body (passwords, refresh tokens) long enough to search for. */
  function requestSecrets(spec: RequestSpec): string[] {
    if (spec.body.bytes === undefined) return [];
    let parsed: unknown;
    try {
      parsed = JSON.parse(spec.body.bytes.toString('utf8'));
    } catch {
      return [];
    }
    if (typeof parsed !== 'object' || parsed === null) return [];
    return SECRET_FIELDS.map((f) => (parsed as Record<string, unknown>)[f]).filter(
      (v): v is string => typeof v === 'string' && v.length >= 16,
    );
  }

  function judge(
    route: RouteSpec,
    identity: Identity,
    spec: RequestSpec,
    headers: Record<string, string>,
    answer: Answer,
  ): void {
    const what = () =>
      `${describeRequest(identity, spec, headers)}\n  → ${answer.status} ${answer.headers['content-type'] ?? ''} ${answer.text.slice(0, 400)}`;
    const { status, text } = answer;
    assert.ok(status >= 100 && status < 500, `status ${status}: ${what()}`);
    const contentType = String(answer.headers['content-type'] ?? '');
    if (status >= 400 && spec.method !== 'HEAD') {
      assert.match(contentType, /^application\/problem\+json/, `a ${status} without problem+json: ${what()}`);
      let problem: { status?: unknown; code?: unknown; type?: unknown; title?: unknown };
      try {
        problem = JSON.parse(text) as typeof problem;
      } catch {
        assert.fail(`a ${status} whose body is not JSON: ${what()}`);
      }
      assert.equal(problem.status, status, `problem.status differs from the HTTP status: ${what()}`);
      assert.ok(typeof problem.code === 'string' && problem.code !== '', `problem without a code: ${what()}`);
      assert.ok(
        typeof problem.type === 'string' && typeof problem.title === 'string',
        `problem without type/title: ${what()}`,
      );
      if (status === 401 && (problem.code === 'invalid_token' || problem.code === 'token_expired')) {
        // RFC 6750 §3 (issue #12): without a bearer credential, the challenge carries no error code.
        const bearer = /^bearer(?![!#$%&'*+.^_`|~0-9a-z-])/i.test(headers.authorization ?? '');
        const expected = bearer ? /^Bearer realm="bulwark", error="invalid_token"/ : /^Bearer realm="bulwark"$/;
        assert.match(
          String(answer.headers['www-authenticate'] ?? ''),
          expected,
          `401 ${problem.code} without the right WWW-Authenticate: ${what()}`,
        );
      }
    }
    if (status >= 200 && status < 300 && /json/.test(contentType) && text !== '') {
      assert.doesNotThrow(() => JSON.parse(text), `a ${status} ${contentType} whose body is not JSON: ${what()}`);
    }
    assert.ok(!STACK_LINE.test(text) && !STACK_FRAME.test(text), `a stack trace in the answer: ${what()}`);
    assert.ok(!text.includes('$argon2'), `a password hash in the answer: ${what()}`);
    for (const secret of secrets)
      assert.ok(!text.includes(secret), `a known password or refresh token in the answer: ${what()}`);
    for (const secret of requestSecrets(spec))
      assert.ok(!text.includes(secret), `the request's secret echoed back: ${what()}`);
    const key = `${route.method} ${route.template}`;
    if (spec.method === route.method && status >= 200 && status < 300) {
      if (route.secured)
        assert.ok(
          identity.token !== undefined && headers.authorization !== undefined,
          `a secured route answered ${status} without a token: ${what()}`,
        );
      if (ADMIN_ONLY.has(key))
        assert.ok(identity.name === 'admin', `an admin-only route answered ${status} to ${identity.name}: ${what()}`);
    }
  }

  // ---- one run -----------------------------------------------------------------------------------

  /** Ids the answers reveal, for the next requests; the demo users' own are never added. */
  function harvest(route: RouteSpec, answer: Answer): void {
    if (answer.status < 200 || answer.status >= 300 || answer.text === '') return;
    let json: unknown;
    try {
      json = JSON.parse(answer.text);
    } catch {
      return;
    }
    const items = (
      Array.isArray((json as { items?: unknown }).items) ? (json as { items: unknown[] }).items : [json]
    ) as Array<Record<string, unknown>>;
    for (const item of items) {
      if (typeof item !== 'object' || item === null || typeof item.id !== 'string') continue;
      const id = item.id;
      const add = (pool: string[]) => {
        if (!pool.includes(id) && pool.length < 500) pool.push(id);
      };
      if (route.template.startsWith('/api/payments')) add(pools.payments);
      else if (route.template.startsWith('/api/employees')) add(pools.employees);
      else if (
        route.template.startsWith('/api/sessions') &&
        typeof item.user_id === 'string' &&
        !protectedUsers.has(item.user_id)
      )
        add(pools.sessions);
      else if (route.template === '/api/users' && !protectedUsers.has(id)) add(pools.users);
    }
  }

  async function runOnce(route: RouteSpec, spec: RequestSpec): Promise<void> {
    const key = `${route.method} ${route.template}`;
    const routeStats = stats.byRoute.get(key) ?? { runs: 0, requests: 0, pastAuth: 0 };
    stats.byRoute.set(key, routeStats);
    routeStats.runs++;
    const answers = await Promise.all(
      identities.map(async (identity) => {
        const headers: Record<string, string> = {};
        if (identity.token !== undefined) headers.authorization = `Bearer ${identity.token}`;
        for (const [name, value] of Object.entries(spec.headers.headers)) {
          headers[name] = name === 'authorization' ? value.replaceAll('$T', identity.token ?? '') : value;
        }
        if (spec.body.contentType !== undefined) headers['content-type'] = spec.body.contentType;
        let answer: Answer;
        try {
          answer = await send(spec.method, spec.path, headers, spec.body.bytes);
        } catch (error) {
          if (error instanceof NotSent) {
            stats.notSent++;
            return undefined;
          }
          throw new Error(`no HTTP answer (${(error as Error).message}): ${describeRequest(identity, spec, headers)}`, {
            cause: error,
          });
        }
        stats.requests++;
        routeStats.requests++;
        stats.byStatus.set(answer.status, (stats.byStatus.get(answer.status) ?? 0) + 1);
        const realToken = identity.token !== undefined && !spec.headers.authFuzzed;
        if (route.secured && realToken && spec.method === route.method) {
          stats.authenticated++;
          if (answer.status !== 401) {
            stats.pastAuthentication++;
            routeStats.pastAuth++;
          }
        }
        judge(route, identity, spec, headers, answer);
        if (identity.name === 'admin') harvest(route, answer);
        return { identity, answer, realToken };
      }),
    );
    // An identity whose token stopped working (its session logged out, the signing key revoked):
    // log in again so the following runs still get past authentication.
    await Promise.all(
      answers.map(async (entry) => {
        if (entry === undefined || entry.answer.status !== 401 || !entry.realToken) return;
        const probe = await apiJson<unknown>('GET', '/api/users/me', entry.identity.token);
        if (probe.status === 401) {
          stats.relogins++;
          await login(entry.identity);
        }
      }),
    );
  }

  // ---- set-up ------------------------------------------------------------------------------------

  async function createVictims(admin: string): Promise<void> {
    const roles = ['admin', 'clerk', 'employee'] as const;
    for (const [i, role] of roles.entries()) {
      const username = `fz-victim-${role}-${i}`;
      const password = `Fz!${randomBytes(18).toString('base64url')}`;
      const created = await apiJson<{ id: string }>('POST', '/api/users', admin, {
        username,
        password,
        role,
        ...(role === 'employee' ? { employee_id: pools.employees.at(-1) } : {}),
      });
      assert.equal(created.status, 201, `create throwaway user ${username}: ${JSON.stringify(created.json)}`);
      pools.users.push(created.json.id);
      pools.usernames.push(username);
      secrets.add(password);
      for (let n = 0; n < 2; n++) {
        const session = await apiJson<{ session_id: string; refresh_token: string }>(
          'POST',
          '/api/users-sessions',
          undefined,
          { username, password },
        );
        assert.equal(session.status, 201, `log in throwaway user ${username}`);
        pools.sessions.push(session.json.session_id);
        // Both are secrets no answer may show; only the second goes to the pool the fuzzer
        // draws refresh_token values from, so the first stays unused all along.
        secrets.add(session.json.refresh_token);
        if (n === 1) pools.refreshTokens.push(session.json.refresh_token);
      }
    }
  }

  describe(`route fuzzing against a listening bulwark serve (${store})`, () => {
    before(async () => {
      const env: Record<string, string> = { ...GENEROUS_LIMITS };
      if (store === 'postgres') {
        const schema = await createTestSchema('fuzz_routes');
        dropSchema = schema.drop;
        env.BULWARK_DATABASE_URL = schema.url;
      }
      target = await startTarget(env);
      const doc = (await apiJson<OpenApiDocument>('GET', '/openapi.json', undefined)).json;
      routes = routesFromOpenApi(doc);
      for (const identity of identities) await login(identity);
      for (const user of ['alice', 'bob', 'carol']) secrets.add(target.password(user));
      const admin = identities[0]!.token as string;
      const users = await apiJson<{ items: Array<{ id: string }> }>('GET', '/api/users?limit=100', admin);
      for (const u of users.json.items) protectedUsers.add(u.id);
      pools.employees.push(
        ...(await apiJson<{ items: Array<{ id: string }> }>('GET', '/api/employees?limit=100', admin)).json.items.map(
          (e) => e.id,
        ),
      );
      pools.payments.push(
        ...(await apiJson<{ items: Array<{ id: string }> }>('GET', '/api/payments?limit=100', admin)).json.items.map(
          (p) => p.id,
        ),
      );
      await createVictims(admin);
    });

    after(async () => {
      agent.destroy();
      await target?.stop();
      await dropSchema?.();
    });

    it('derives the route list from GET /openapi.json, covering at least the contract', () => {
      const found = new Set(routes.map((r) => `${r.method} ${r.template}`));
      const missing = CONTRACT_ROUTES.filter((r) => !found.has(r));
      assert.deepEqual(missing, [], 'routes of CONTRACT §4 missing from the OpenAPI document');
      assert.ok(routes.length >= CONTRACT_ROUTES.length);
    });

    it(`keeps the error contract on every route for every caller (seed ${SEED})`, async (t) => {
      // The operations routes, should the OpenAPI document leave them out, and paths that are no
      // route at all.
      const extra: RouteSpec[] = ['/healthz', '/readyz']
        .filter((template) => !routes.some((r) => r.template === template))
        .map((template) => ({
          method: 'GET',
          template,
          pathParams: [],
          query: [],
          headers: [],
          body: undefined,
          secured: false,
        }));
      const all = [...routes, ...extra];
      const unrouted: RouteSpec = {
        method: 'GET',
        template: '(no route)',
        pathParams: [],
        query: [],
        headers: [],
        body: undefined,
        secured: false,
      };
      const started = Date.now();
      const deadline = started + budgetMs;
      const jobs: Array<{ route: RouteSpec; arb: fc.Arbitrary<RequestSpec> }> = [
        ...all.map((route) => ({ route, arb: requestArb(route, pools) })),
        {
          route: unrouted,
          arb: fc.record({
            method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'),
            path: unroutedPathArb,
            body: bodyArb(undefined, pools),
            headers: headersArb(unrouted),
          }),
        },
      ];
      for (const [i, { route, arb }] of jobs.entries()) {
        const share = Math.max(0, (deadline - Date.now()) / (jobs.length - i));
        await t.test(`${route.method} ${route.template}`, async () => {
          const property = fc.asyncProperty(arb, (spec) => runOnce(route, spec));
          // Every route gets MIN_RUNS_PER_ROUTE runs whatever they cost (a logout costs three
          // fresh logins), then as many more as its share of the budget allows.
          const phaseStarted = Date.now();
          await fc.assert(property, { numRuns: MIN_RUNS_PER_ROUTE, seed: SEED + i, includeErrorInReport: true });
          const left = share - (Date.now() - phaseStarted);
          // fast-check fails a property interrupted before its first run, whatever
          // markInterruptAsFailure says: give the second phase a share or skip it.
          if (left >= 100) {
            await fc.assert(property, {
              numRuns: RUNS_PER_ROUTE - MIN_RUNS_PER_ROUTE,
              seed: SEED + 1_000 + i,
              includeErrorInReport: true,
              interruptAfterTimeLimit: left,
              markInterruptAsFailure: false,
            });
          }
          const done = stats.byRoute.get(`${route.method} ${route.template}`)?.runs ?? 0;
          assert.ok(done >= MIN_RUNS_PER_ROUTE, `only ${done} runs for ${route.method} ${route.template}`);
        });
      }
      const elapsed = Date.now() - started;
      const statuses = Object.fromEntries([...stats.byStatus].sort((a, b) => a[0] - b[0]));
      t.diagnostic(
        `seed ${SEED}: ${stats.requests} requests (${stats.notSent} refused by the client itself) over ${jobs.length} routes in ${elapsed} ms; ${stats.relogins} re-logins`,
      );
      t.diagnostic(`statuses ${JSON.stringify(statuses)}`);
      t.diagnostic(`authenticated requests ${stats.authenticated}, past authentication ${stats.pastAuthentication}`);
      for (const [key, s] of stats.byRoute)
        t.diagnostic(`  ${key}: ${s.runs} runs, ${s.requests} requests, ${s.pastAuth} past authentication`);
    });

    it('got past authentication for most authenticated requests, and on every secured route', () => {
      assert.ok(stats.requests >= 5_000, `only ${stats.requests} requests`);
      assert.ok(
        stats.pastAuthentication >= 0.6 * stats.authenticated,
        `only ${stats.pastAuthentication} of ${stats.authenticated} authenticated requests got past authentication`,
      );
      for (const route of routes.filter((r) => r.secured)) {
        const s = stats.byRoute.get(`${route.method} ${route.template}`);
        assert.ok(
          s !== undefined && s.pastAuth > 0,
          `no request got past authentication on ${route.method} ${route.template}`,
        );
      }
    });

    it('leaves the server healthy', async () => {
      await target.assertHealthy();
    });
  });
}

for (const store of STORES) fuzzSuite(store, BUDGET_MS / STORES.length);
