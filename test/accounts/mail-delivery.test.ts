// test-runner: serial (bounds the latency of requests while the SMTP server hangs)
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import { createHarness, problemOf } from '../helpers/harness.js';
import { linkToken, startSilentServer, startSmtp } from '../helpers/smtp.js';
import { loadConfig } from '../../src/config/index.js';
import { describeMail } from '../../src/compose/mail.js';
import { hashLinkToken } from '../../src/auth/self-service/links.js';

async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('not in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('mail delivery', () => {
  it('development without SMTP: one .eml file per message in <data dir>/outbox, its path logged, never the link', async () => {
    const h = await createHarness();
    try {
      const user = await h.addUser('wendy', 'clerk');
      await h.store.users.update(user.id, { email: 'wendy@example.test', updatedAt: h.clock.now() });
      assert.equal(
        (await h.app.inject({ method: 'POST', url: '/api/password-resets', payload: { email: 'wendy@example.test' } }))
          .statusCode,
        202,
      );
      const dir = join(h.dataDir, 'outbox');
      const file = await waitFor(() => {
        try {
          return readdirSync(dir).find((f) => f.endsWith('.eml'));
        } catch {
          return undefined;
        }
      });
      assert.equal(statSync(join(dir, file)).mode & 0o777, 0o600);
      const mail = await simpleParser(readFileSync(join(dir, file)));
      assert.equal(mail.subject, 'Reset your Bulwark password');
      const { token } = linkToken(mail);
      const logs = h.logs.join('');
      assert.ok(logs.includes(join(dir, file)), 'the file is named in the log');
      assert.ok(!logs.includes(token), 'the link is not');
      const sent = await h.store.accounts.findMessage(`password_reset:${hashLinkToken(token)}`);
      assert.equal(typeof sent?.sentAt, 'number');
      assert.equal(sent?.bodySealed, null, 'the body is forgotten once sent');
      assert.equal(
        (
          await h.app.inject({
            method: 'POST',
            url: '/api/password-resets/confirm',
            payload: { token, new_password: 'outbox-flow-passphrase-1' },
          })
        ).statusCode,
        204,
      );
    } finally {
      await h.close();
    }
  });

  it('a hanging SMTP server delays no request and loses no mail: it is delivered, once, when a server answers', async () => {
    const silent = await startSilentServer();
    const h = await createHarness({ BULWARK_SMTP_URL: `smtp://127.0.0.1:${silent.port}`, BULWARK_SMTP_TIMEOUT: '1' });
    try {
      const admin = await h.addUser('xena', 'admin');
      const session = await h.login('xena', admin.password);
      const started = Date.now();
      const invited = await h.app.inject({
        method: 'POST',
        url: '/api/invitations',
        headers: { authorization: `Bearer ${session.access_token}` },
        payload: { email: 'newcomer@example.test', roles: ['clerk'] },
      });
      assert.equal(invited.statusCode, 201, invited.body);
      await h.store.users.update(admin.id, { email: 'xena@example.test', updatedAt: h.clock.now() });
      assert.equal(
        (await h.app.inject({ method: 'POST', url: '/api/password-resets', payload: { username: 'xena' } })).statusCode,
        202,
      );
      assert.ok(Date.now() - started < 1_000, `requests answered at once (${Date.now() - started} ms)`);
      const key = `invitation:${invited.json<{ id: string }>().id}`;
      // The first attempt hangs until the greeting deadline, then is released for a retry.
      const failed = await waitFor(async () => (await h.store.accounts.findMessage(key))?.lastError ?? undefined);
      assert.match(failed, /Greeting never received|timeout|took longer/i);

      await silent.close();
      const smtp = await startSmtp(silent.port);
      // Time moves on (the test clock): every back-off that a failed attempt set runs out.
      const ticking = setInterval(() => h.clock.advance(600), 500);
      try {
        const mail = await smtp.waitFor('newcomer@example.test', /invited/, 20_000);
        await smtp.waitFor('xena@example.test', /Reset/, 20_000);
        clearInterval(ticking);
        const row = await waitFor(async () => {
          const found = await h.store.accounts.findMessage(key);
          return found?.sentAt === null ? undefined : found;
        });
        assert.ok(row.attempts >= 2, `sent after a retry (${row.attempts} attempts)`);
        h.clock.advance(3_600);
        await new Promise((resolve) => setTimeout(resolve, 2_500));
        assert.equal(smtp.received.filter((m) => m.subject === mail.subject).length, 1, 'sent once');
      } finally {
        clearInterval(ticking);
        await h.close();
        await smtp.close();
      }
    } catch (error) {
      await h.close().catch(() => undefined);
      await silent.close().catch(() => undefined);
      throw error;
    }
  });

  it('production without SMTP: the mail flows answer 503 mail_unavailable, and start-up says so in one line', async () => {
    const env = {
      BULWARK_ENV: 'production',
      BULWARK_TRUST_PROXY: '1',
      BULWARK_MASTER_KEY: 'x8F2kq0c9V1mR7tYp3LwZ5nB6hJ4dS0aE2uQ9iO1gXw',
      BULWARK_DEMO: '0',
    };
    const config = loadConfig(env);
    assert.equal(config.mail.delivery.kind, 'off');
    assert.equal(describeMail(config).split('\n').length, 1);
    assert.match(describeMail(config), /BULWARK_SMTP_URL/);
    assert.throws(() => loadConfig({ ...env, BULWARK_SIGNUP: 'open' }), /BULWARK_SIGNUP/);
    const h = await createHarness({ ...env, BULWARK_DATA_DIR: '' });
    try {
      const response = await h.app.inject({
        method: 'POST',
        url: '/api/password-resets',
        headers: { 'x-forwarded-proto': 'https' },
        payload: { email: 'a@example.test' },
      });
      assert.equal(response.statusCode, 503);
      assert.equal(problemOf(response).code, 'mail_unavailable');
      assert.ok(h.logs.join('').includes('mail: off'));
    } finally {
      await h.close();
    }
  });
});
