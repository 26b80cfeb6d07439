import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { exportJWK } from 'jose';
import { serveJwks, startJwksServer, type JwksServer } from '../../packages/guard/test/jwks/jwks-server.js';
import { startServe, type ServerProcess } from '../helpers/process.js';
import {
  attackerEc,
  es256With,
  expectAccepted,
  expectRejected,
  headerText,
  inBatches,
  signedRaw,
  signingInput,
} from './forge.js';
import { GENEROUS_LIMITS, startTarget, type Target } from './harness.js';

/**
 * Key fetching under attack, on real processes: the token service (`startTarget`) and a
 * payroll-only process that knows the token service only by a JWKS URL, which here points at a
 * counting proxy run by the test. A token must never make either process fetch a key from a
 * location the token names (jku, x5u), and random kids must not turn into a refetch storm
 * (the remote source refetches for an unknown kid at most once per BULWARK_JWKS_COOLDOWN,
 * default 30 s, counted from the last attempt, the start-up fetch included).
 */
describe('adversarial: key fetching (token service + payroll --jwks-url behind a counting proxy)', () => {
  let target: Target;
  let proxy: JwksServer;
  let payroll: ServerProcess;
  /** A server the attacker controls: it serves the attacker's JWKS and counts every hit. */
  let attackerHost: JwksServer;
  let attacker: ReturnType<typeof attackerEc>;
  let attackerKid: string;
  let claims: Record<string, unknown>;

  before(async () => {
    target = await startTarget(GENEROUS_LIMITS);
    proxy = await startJwksServer((_req, res) => {
      fetch(`${target.url}/.well-known/jwks.json`).then(
        async (upstream) => {
          const body = await upstream.text();
          res.writeHead(upstream.status, {
            'content-type': upstream.headers.get('content-type') ?? 'application/json',
            'content-length': Buffer.byteLength(body),
            ...(upstream.headers.has('cache-control')
              ? { 'cache-control': upstream.headers.get('cache-control') as string }
              : {}),
          });
          res.end(body);
        },
        () => {
          res.writeHead(502);
          res.end();
        },
      );
    });
    payroll = await startServe(
      {
        BULWARK_DATA_DIR: target.dataDir,
        BULWARK_ISSUER: target.issuer,
        BULWARK_DEMO: '0',
        BULWARK_LOG_LEVEL: 'warn',
        ...GENEROUS_LIMITS,
      },
      ['--only', 'payroll', '--jwks-url', proxy.url],
    );
    attacker = attackerEc();
    const jwk = { ...(await exportJWK(attacker.publicKey)), alg: 'ES256', use: 'sig', kid: 'attacker-key' };
    attackerKid = jwk.kid;
    attackerHost = await startJwksServer(serveJwks({ keys: [jwk, { ...jwk, kid: target.kid }] }));
    claims = target.claimsOf((await target.login('alice')).access_token);
  });
  after(async () => {
    await payroll?.stop();
    await Promise.all([proxy?.close(), attackerHost?.close()]);
    await target?.stop();
  });

  const employees = (token: string) =>
    fetch(`${payroll.url}/api/employees`, { headers: { authorization: `Bearer ${token}` } });
  /** The payroll process is alive and a genuine token still works there. */
  const assertPayrollHealthy = async () => {
    assert.equal(payroll.child.exitCode, null, 'the payroll process is still running');
    assert.equal((await employees(target.forge(claims))).status, 200, 'payroll accepts a genuine token');
  };
  /** Lets a fetch that a token may have started reach the counting server before we count. */
  const settle = () => new Promise((resolve) => setTimeout(resolve, 250));

  it('control: payroll reached the token service keys through the proxy and accepts its tokens', async () => {
    assert.ok(proxy.requests >= 1, 'the start-up fetch went through the proxy');
    const response = await employees(target.forge(claims));
    assert.equal(response.status, 200);
    await expectAccepted(target, target.forge(claims), 'token service');
    // The attacker's server answers (so a zero count below means "never asked", not "unreachable").
    assert.equal((await fetch(attackerHost.url)).status, 200);
    attackerHost.requests = 0;
  });

  describe('jku / x5u / jwk: a token never names where its key comes from', () => {
    it('neither process fetches from a URL in the token header, whoever signed it', async () => {
      const payload = JSON.stringify(claims);
      const where = [attackerHost.url, `${attackerHost.origin}/cert.pem`, attackerHost.origin];
      const headers: Array<Record<string, unknown>> = [];
      for (const url of where) {
        headers.push(
          { jku: url, kid: attackerKid },
          { jku: url, kid: target.kid },
          { jku: url, kid: randomUUID() },
          { x5u: url, kid: attackerKid },
          { x5u: url, kid: target.kid },
          { jku: url, x5u: url, kid: attackerKid },
          { jku: url, jwk: { kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA' }, kid: attackerKid },
          { jku: [url], kid: attackerKid },
          { jku: { url }, kid: attackerKid },
        );
      }
      const tokens: Array<[string, string]> = [];
      for (const extra of headers) {
        const header = headerText(target, extra);
        const input = signingInput(header, payload);
        tokens.push([
          `attacker-signed ${JSON.stringify(extra).slice(0, 80)}`,
          `${input}.${es256With(attacker.privateKey, input)}`,
        ]);
        tokens.push([`server-signed ${JSON.stringify(extra).slice(0, 80)}`, signedRaw(target, header, payload)]);
      }
      await inBatches(tokens, 16, async ([what, token]) => {
        await expectRejected(target, token, `token service: ${what}`);
        const response = await employees(token);
        assert.deepEqual(
          {
            status: response.status,
            code: ((await response.json()) as { code?: string }).code,
            challenge: response.headers.get('www-authenticate'),
          },
          { status: 401, code: 'invalid_token', challenge: 'Bearer realm="bulwark", error="invalid_token"' },
          `payroll: ${what}`,
        );
      });
      await settle();
      assert.equal(attackerHost.requests, 0, 'nothing was fetched from the attacker-named locations');
    });

    it('tokens signed by the attacker key for kids only the attacker JWKS has are refused, with no fetch', async () => {
      const payload = JSON.stringify(claims);
      for (const kid of [attackerKid, target.kid]) {
        const input = signingInput(headerText(target, { kid }), payload);
        const token = `${input}.${es256With(attacker.privateKey, input)}`;
        await expectRejected(target, token, `token service, kid ${kid}`);
        assert.equal((await employees(token)).status, 401, `payroll, kid ${kid}`);
      }
      await settle();
      assert.equal(attackerHost.requests, 0);
    });

    it('both processes are still healthy', async () => {
      await target.assertHealthy();
      await assertPayrollHealthy();
    });
  });

  describe('1,000 random kids', () => {
    it('are all refused by the payroll process without a refetch storm', async () => {
      const before = proxy.requests;
      const payload = JSON.stringify(claims);
      const kids = Array.from({ length: 1_000 }, (_, i) => {
        switch (i % 4) {
          case 0:
            return randomUUID();
          case 1:
            return randomBytes(16).toString('base64url');
          case 2:
            return `${target.kid}${i}`;
          default:
            return randomBytes(100).toString('hex');
        }
      });
      const statuses = new Map<string, number>();
      await inBatches(kids, 50, async (kid) => {
        const response = await employees(signedRaw(target, headerText(target, { kid }), payload));
        const { code } = (await response.json()) as { code?: string };
        const key = `${response.status} ${code ?? ''} ${response.headers.get('www-authenticate') ?? ''}`;
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
      });
      assert.deepEqual([...statuses], [['401 invalid_token Bearer realm="bulwark", error="invalid_token"', 1_000]]);
      await settle();
      // The start-up fetch, plus at most one refetch if the 30 s cooldown happened to lapse meanwhile.
      assert.ok(proxy.requests - before <= 1, `refetches caused by 1,000 random kids: ${proxy.requests - before}`);
      assert.ok(proxy.requests <= 2, `JWKS fetches in all: ${proxy.requests}`);
    });

    it('are all refused by the token service too (its keys are local: nothing to fetch)', async () => {
      const payload = JSON.stringify(claims);
      const kids = Array.from({ length: 100 }, () => randomUUID());
      await inBatches(kids, 50, (kid) =>
        expectRejected(target, signedRaw(target, headerText(target, { kid }), payload), `kid ${kid}`),
      );
    });

    it('both processes are still healthy, and payroll still fetched at most a couple of times', async () => {
      await target.assertHealthy();
      await assertPayrollHealthy();
      assert.ok(proxy.requests <= 2, `JWKS fetches in all: ${proxy.requests}`);
      assert.equal(attackerHost.requests, 0);
    });
  });

  it('no token above produced a 5xx in either server log', () => {
    for (const output of [target.server.output(), payroll.output()])
      assert.doesNotMatch(output, /"level":(50|60)|request failed|internal_error/);
  });
});
