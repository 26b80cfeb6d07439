import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AUTH_DEFAULTS } from '../../src/auth/defaults.js';
import { checkedDefaults } from '../../src/config/defaults.js';
import { HTTP_LIMITS, SERVER_TIMEOUTS } from '../../src/http/limits.js';
import { PAYROLL_DEFAULTS } from '../../src/payroll/defaults.js';
import { CIRCUIT_DEFAULTS } from '../../src/redis/circuit.js';

describe('module defaults (checked at load)', () => {
  it('refuses a number that is not a positive integer, naming the module and the path', () => {
    assert.throws(
      () => checkedDefaults('auth', { feed: { longPollMs: 0 } }),
      /auth defaults: feed\.longPollMs is 0, not a positive integer/,
    );
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])
      assert.throws(() => checkedDefaults('http', { limit: bad }), /http defaults: limit/);
  });

  it("loads every module's defaults frozen, nested parts too", () => {
    for (const defaults of [
      AUTH_DEFAULTS,
      AUTH_DEFAULTS.setFeed,
      PAYROLL_DEFAULTS.idempotency,
      HTTP_LIMITS,
      SERVER_TIMEOUTS,
      CIRCUIT_DEFAULTS,
    ])
      assert.ok(Object.isFrozen(defaults));
    assert.equal(AUTH_DEFAULTS.loginChallenge.ttlSeconds, 300);
    assert.equal(PAYROLL_DEFAULTS.idempotency.ttlMs, 24 * 3600_000);
  });
});
