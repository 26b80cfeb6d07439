// test-runner: serial (bounds a logout's latency at third-party services)
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  login,
  logoutToFirst401,
  startExample,
  startTokenService,
  whoami,
  type ExampleProcess,
  type TokenService,
} from './helpers.js';

/**
 * The examples as a third party runs them: real processes, the token service's JWKS and its SET
 * feed (no Redis, no shared store). A logged-out user's token is refused within a second.
 */
for (const name of ['express-service', 'hono-service']) {
  describe(`examples/${name}`, () => {
    let service: TokenService;
    let example: ExampleProcess;
    before(async () => {
      service = await startTokenService();
      example = await startExample(name, service);
    });
    after(async () => {
      await example?.stop();
      await service?.close();
    });

    it('answers /whoami with the token subject and role, and 401 without a valid token', async () => {
      const token = await login(service, 'alice');
      const response = await whoami(example, token);
      assert.equal(response.status, 200);
      const body = (await response.json()) as { sub: string; role: string };
      assert.equal(body.role, 'admin');
      assert.equal(body.sub, JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString('utf8')).sub);
      assert.equal((await whoami(example, `${token.slice(0, -4)}AAAA`)).status, 401);
      const health = (await (await fetch(`${example.url}/healthz`)).json()) as { revocation_staleness_ms: number };
      assert.equal(health.revocation_staleness_ms, 0, 'the feed long poll is open');
    });

    it("refuses a logged-out user's token within a second", async () => {
      const token = await login(service, 'bob');
      assert.equal((await whoami(example, token)).status, 200);
      const took = await logoutToFirst401(service, example, token);
      // eslint-disable-next-line no-console
      console.log(`${name}: logout answered -> first 401 in ${took.toFixed(1)} ms`);
      assert.ok(took < 1_000, `took ${took} ms`);
    });

    it('resumes its stream after a restart of the token service', async () => {
      await service.restart();
      const token = await login(service, 'carol');
      const fresh = async () =>
        ((await (await fetch(`${example.url}/healthz`)).json()) as { revocation_staleness_ms: number | null })
          .revocation_staleness_ms === 0;
      for (let waited = 0; !(await fresh()); waited += 50) {
        assert.ok(waited < 15_000, `the feed reconnects:\n${example.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.equal((await whoami(example, token)).status, 200);
      const took = await logoutToFirst401(service, example, token);
      assert.ok(took < 1_000, `took ${took} ms`);
    });
  });
}
