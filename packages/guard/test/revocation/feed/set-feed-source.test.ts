import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { SignJWT } from 'jose';
import {
  createSetFeedRevocationSource,
  LocalKeySource,
  verificationKeyFromJwk,
  type AccessTokenClaims,
} from '../../../src/index.js';

const ISSUER = 'https://bulwark.example';
const CLIENT = 'svc-1';
const SESSION_REVOKED = 'https://schemas.openid.net/secevent/caep/event-type/session-revoked';
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const keys = new LocalKeySource();
keys.set([
  verificationKeyFromJwk({ ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'ES256', use: 'sig' }, 'ES256'),
]);

const set = (claims: Record<string, unknown>, kid = 'k1') =>
  new SignJWT({
    iss: ISSUER,
    aud: CLIENT,
    iat: Math.floor(Date.now() / 1000),
    jti: Math.random().toString(36).slice(2),
    ...claims,
  })
    .setProtectedHeader({ alg: 'ES256', typ: 'secevent+jwt', kid })
    .sign(privateKey);
const sessionEvent = (sid: string) => ({
  sub_id: { format: 'complex', session: { format: 'opaque', id: sid } },
  events: {
    [SESSION_REVOKED]: {
      event_timestamp: Math.floor(Date.now() / 1000),
      max_token_exp: Math.floor(Date.now() / 1000) + 600,
    },
  },
});
const claims = (sid: string): AccessTokenClaims => ({
  iss: ISSUER,
  sub: 'u1',
  aud: 'payroll',
  exp: Math.floor(Date.now() / 1000) + 60,
  iat: Math.floor(Date.now() / 1000),
  jti: `j-${sid}`,
  sid,
});

/** A fake transmitter: answers each poll with the queued SETs and records what the receiver sent. */
describe('SET feed revocation source', () => {
  let server: Server;
  let base: string;
  const queue: Record<string, string>[] = [];
  const received: Array<{
    ack?: string[];
    setErrs?: Record<string, { err: string }>;
    returnImmediately?: boolean;
    auth?: string;
  }> = [];
  let up = true;
  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        if (!up) return void res.writeHead(503).end();
        res.setHeader('content-type', 'application/json');
        if (req.method === 'DELETE') return void res.writeHead(204).end();
        if (req.url === '/ssf/streams')
          return void res.writeHead(201).end(
            JSON.stringify({
              stream_id: 's1',
              delivery: { method: 'urn:ietf:rfc:8936', endpoint_url: `${base}/ssf/poll/s1` },
            }),
          );
        received.push({ ...(JSON.parse(body) as object), auth: req.headers.authorization });
        const sets = queue.shift() ?? {};
        // A held poll: answer later when nothing is queued.
        setTimeout(
          () => res.end(JSON.stringify({ sets, moreAvailable: false })),
          Object.keys(sets).length === 0 ? 50 : 0,
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const source = (overrides: Record<string, unknown> = {}) =>
    createSetFeedRevocationSource({
      issuer: ISSUER,
      clientId: CLIENT,
      keys,
      streamsUrl: `${base}/ssf/streams`,
      getAccessToken: async () => 'feed-token',
      ...overrides,
    });
  const until = async (check: () => boolean, what: string) => {
    for (let i = 0; !check(); i++) {
      assert.ok(i < 200, what);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  it('applies verified SETs, acknowledges them, and reports bad ones in setErrs', async () => {
    queue.push({
      'a.s1': await set(sessionEvent('sid-a')),
      'b.s1': await set({ ...sessionEvent('sid-b'), aud: 'someone-else' }),
      'c.s1': await set(sessionEvent('sid-c'), 'unknown-kid'),
    });
    received.length = 0;
    const errors: Error[] = [];
    const feed = source({ onError: (e: Error) => errors.push(e) });
    try {
      await until(() => received.length >= 2, 'a second poll');
      assert.equal(received[0]?.returnImmediately, true, 'catching up answers at once');
      assert.equal(received[0]?.auth, 'Bearer feed-token');
      assert.equal(feed.isRevoked(claims('sid-a')), true, errors.map((e) => e.message).join('; '));
      assert.equal(feed.isRevoked(claims('sid-b')), false, 'a SET for another audience is not applied');
      assert.equal(feed.isRevoked(claims('sid-c')), false, 'nor one signed by an unknown key');
      assert.deepEqual(received[1]?.ack, ['a.s1']);
      assert.deepEqual(received[1]?.setErrs, { 'b.s1': { err: 'invalid_audience', description: 'aud_mismatch' } });
      assert.ok(errors.some((e) => /aud_mismatch/.test(e.message)));
    } finally {
      await feed.close();
    }
  });

  it('reports staleness, and by default refuses every token once the feed has been down too long', async () => {
    let now = Date.now();
    const failClosed = source({ now: () => now, onUnreachable: { failClosedAfterMs: 60_000 } });
    const failOpen = source({ now: () => now, onUnreachable: 'fail-open' });
    try {
      await failClosed.ready();
      await failOpen.ready();
      assert.equal(failClosed.isRevoked(claims('fresh')), false);
      up = false;
      await until(() => failClosed.lastError !== undefined && failOpen.lastError !== undefined, 'the outage is seen');
      now += 61_000;
      assert.ok(failClosed.staleness() > 60_000);
      assert.equal(failClosed.isRevoked(claims('fresh')), true, 'fail-closed after the limit');
      assert.equal(failOpen.isRevoked(claims('fresh')), false, 'fail-open keeps serving');
      up = true;
      await until(() => failClosed.staleness() < 60_000, 'the feed recovers');
      assert.equal(failClosed.isRevoked(claims('fresh')), false);
    } finally {
      up = true;
      await Promise.all([failClosed.close(), failOpen.close()]);
    }
  });

  it('validates its options up front', () => {
    assert.throws(() => source({ clientId: '' }), /clientId/);
    assert.throws(() => source({ streamsUrl: 'http://feed.example/ssf/streams' }), /https/);
    assert.throws(() => source({ algorithms: ['HS256'] }), /public-key/);
    assert.throws(() => source({ onUnreachable: 'sometimes' }), /onUnreachable/);
  });
});
