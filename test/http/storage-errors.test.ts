import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { retryAfterOf, toProblem } from '../../src/http/error-mapper.js';

const failure = (fields: Record<string, unknown>, message = 'failed') => Object.assign(new Error(message), fields);

/** What the drivers throw when storage fails: each is a 503 with Retry-After, never a 500. */
describe('storage failures map to 503 service_unavailable', () => {
  const outages: Array<[string, Error]> = [
    ['SQLite full disk (better-sqlite3)', failure({ code: 'SQLITE_FULL' }, 'database or disk is full')],
    ['SQLite write I/O error (extended code)', failure({ code: 'SQLITE_IOERR_WRITE' }, 'disk I/O error')],
    ['SQLite read-only file system', failure({ code: 'SQLITE_READONLY_DIRECTORY' })],
    ['SQLite full disk (node:sqlite errcode)', failure({ code: 'ERR_SQLITE_ERROR', errcode: 13 })],
    ['SQLite rollback after its own rollback', new Error('cannot rollback - no transaction is active')],
    ['Postgres statement_timeout', failure({ code: '57014' }, 'canceling statement due to statement timeout')],
    ['Postgres disk full', failure({ code: '53100' })],
    ['Postgres too many connections', failure({ code: '53300' })],
    ['Postgres I/O error', failure({ code: '58030' })],
    ['Postgres lock timeout', failure({ code: '55P03' })],
    ['the client deadline', failure({ code: 'ETIMEDOUT' }, 'database statement deadline exceeded')],
    ['the pool wait', new Error('timeout exceeded when trying to connect')],
    ['the connect deadline', new Error('Connection terminated due to connection timeout')],
  ];
  for (const [what, error] of outages) {
    it(what, () => {
      const answer = toProblem(error);
      assert.deepEqual([answer.status, answer.code], [503, 'service_unavailable']);
      assert.equal(retryAfterOf(answer.status, error), 2);
    });
  }

  it('a constraint violation or a plain bug is not an outage', () => {
    assert.equal(toProblem(failure({ code: 'SQLITE_CONSTRAINT_FOREIGNKEY' })).status, 500);
    assert.equal(toProblem(failure({ code: '23503' })).status, 500);
    assert.equal(toProblem(new TypeError('x is undefined')).status, 500);
    assert.equal(retryAfterOf(500, new TypeError('x')), undefined);
  });
});
