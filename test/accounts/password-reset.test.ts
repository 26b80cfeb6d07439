import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bearer, problemOf } from '../helpers/harness.js';
import { linkToken } from '../helpers/smtp.js';
import { createMailHarness, type MailHarness } from './helpers.js';

describe('forgot password (mail through a real SMTP server)', () => {
  let h: MailHarness;
  before(async () => {
    h = await createMailHarness();
  });
  after(() => h.close());

  const request = (payload: object) => h.app.inject({ method: 'POST', url: '/api/password-resets', payload });
  const confirm = (token: string, newPassword: string) =>
    h.app.inject({
      method: 'POST',
      url: '/api/password-resets/confirm',
      payload: { token, new_password: newPassword },
    });

  it('resets the password from the mailed link, ends every old session and mails a notice', async () => {
    const user = await h.addMailUser('rita');
    const first = await h.login('rita', user.password);
    const second = await h.login('rita', user.password);
    const asked = await request({ email: 'Rita@Example.test ' });
    assert.equal(asked.statusCode, 202);
    const mail = await h.smtp.waitFor(user.email, /Reset your Bulwark password/);
    const { url, token } = linkToken(mail);
    assert.equal(url.origin + url.pathname, 'http://console.test/reset-password');
    assert.match(String(mail.html), /reset-password\?token=/);

    const weak = await confirm(token, 'short');
    assert.equal(problemOf(weak).code, 'invalid_request', 'the policy is checked before the link is spent');
    const done = await confirm(token, 'a-brand-new-passphrase-77');
    assert.equal(done.statusCode, 204, done.body);

    for (const old of [first, second]) {
      const me = await h.app.inject({ method: 'GET', url: '/api/users/me', headers: bearer(old.access_token) });
      assert.equal(me.statusCode, 401, 'old access token refused');
      const refreshed = await h.app.inject({
        method: 'POST',
        url: '/api/users-sessions/refresh',
        payload: { refresh_token: old.refresh_token },
      });
      assert.equal(problemOf(refreshed).code, 'invalid_grant', 'old refresh token refused');
    }
    const oldPassword = await h.app.inject({
      method: 'POST',
      url: '/api/users-sessions',
      payload: { username: 'rita', password: user.password },
    });
    assert.equal(problemOf(oldPassword).code, 'invalid_credentials');
    const fresh = await h.login('rita', 'a-brand-new-passphrase-77');
    assert.equal(
      (await h.app.inject({ method: 'GET', url: '/api/users/me', headers: bearer(fresh.access_token) })).statusCode,
      200,
    );

    const notice = await h.smtp.waitFor(user.email, /password was changed/);
    assert.doesNotMatch(notice.text ?? '', /token=/, 'a notice carries no link');
    const again = await confirm(token, 'yet-another-passphrase-88');
    assert.equal(again.statusCode, 410);
    assert.equal(problemOf(again).code, 'link_used');

    const audit = await h.store.audit.list({}, { limit: 100 });
    const types = audit.items.map((e) => e.type);
    for (const type of ['password_reset.requested', 'password_reset.completed', 'link.refused'])
      assert.ok(types.includes(type), type);
    assert.ok(!JSON.stringify(audit.items).includes(token), 'the token is never audited');
    assert.ok(!h.logs.join('').includes(token), 'the token is never logged');
  });

  it('answers an unknown address, an unknown username and a known one alike', async () => {
    const user = await h.addMailUser('sam');
    const answers = [];
    for (const payload of [
      { email: 'nobody@example.test' },
      { username: 'nobody-at-all' },
      { email: user.email },
      { username: 'sam' },
    ]) {
      const started = process.hrtime.bigint();
      const response = await request(payload);
      answers.push({
        status: response.statusCode,
        body: response.body,
        type: response.headers['content-type'],
        ms: Number(process.hrtime.bigint() - started) / 1e6,
      });
    }
    for (const answer of answers) assert.deepEqual({ ...answer, ms: 0 }, { ...answers[0], ms: 0 });
    assert.equal(answers[0]?.status, 202);
    await h.services.selfService.passwordResets.settled();
    await h.smtp.waitFor(user.email, /Reset your Bulwark password/);
    assert.ok(
      !h.smtp.received.some((m) => m.to !== undefined && JSON.stringify(m.to).includes('nobody')),
      'no mail for an unknown address',
    );
  });

  it('refuses forged, expired and replaced links with their own codes, changing nothing', async () => {
    const user = await h.addMailUser('tess');
    const forged = await confirm('A'.repeat(43), 'a-brand-new-passphrase-77');
    assert.equal(forged.statusCode, 400);
    assert.equal(problemOf(forged).code, 'link_invalid');
    assert.equal(problemOf(await confirm('not a token', 'a-brand-new-passphrase-77')).code, 'link_invalid');

    await request({ username: 'tess' });
    const firstMail = await h.smtp.waitFor(user.email, /Reset/);
    await h.services.selfService.passwordResets.settled();
    h.clock.advance(1);
    await request({ username: 'tess' });
    await h.services.selfService.passwordResets.settled();
    const mails = () => h.smtp.received.filter((m) => JSON.stringify(m.to).includes(user.email));
    await waitUntil(() => mails().length >= 2);
    const replaced = await confirm(linkToken(firstMail).token, 'a-brand-new-passphrase-77');
    assert.equal(problemOf(replaced).code, 'link_used', 'a newer link retires the older one');

    const latest = linkToken(mails()[1] as typeof firstMail).token;
    h.clock.advance(h.config.accounts.passwordResetTtlSeconds + 1);
    const expired = await confirm(latest, 'a-brand-new-passphrase-77');
    assert.equal(expired.statusCode, 410);
    assert.equal(problemOf(expired).code, 'link_expired');
    await h.login('tess', user.password);

    const mfaLink = await h.app.inject({
      method: 'POST',
      url: '/api/users/me/email/confirm',
      headers: bearer((await h.login('tess', user.password)).access_token),
      payload: { token: latest },
    });
    assert.equal(problemOf(mfaLink).code, 'link_invalid', 'a reset link is no email link');
  });

  it('sends at most three reset mails per address per hour, with the same answer', async () => {
    const user = await h.addMailUser('uma');
    for (let i = 0; i < 5; i += 1) assert.equal((await request({ email: user.email })).statusCode, 202);
    await h.services.selfService.passwordResets.settled();
    const mine = () => h.smtp.received.filter((m) => JSON.stringify(m.to).includes(user.email));
    await waitUntil(() => mine().length >= 3);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    assert.equal(mine().length, 3);
    const throttled = await h.store.audit.list({ type: 'password_reset.throttled' }, { limit: 10 });
    assert.equal(throttled.items.filter((e) => e.targetId === user.id).length, 2);
  });

  it('takes exactly one of email or username', async () => {
    assert.equal(problemOf(await request({ email: 'a@example.test', username: 'a' })).code, 'invalid_request');
    assert.equal(problemOf(await request({})).code, 'invalid_request');
    assert.equal(problemOf(await request({ email: 'not-an-address' })).code, 'invalid_request');
  });
});

describe('signed-in user: sign out everywhere else', () => {
  let h: MailHarness;
  before(async () => {
    h = await createMailHarness();
  });
  after(() => h.close());

  it('ends every other session, keeps the current one', async () => {
    const user = await h.addUser('vic', 'clerk');
    const here = await h.login('vic', user.password);
    const phone = await h.login('vic', user.password);
    const laptop = await h.login('vic', user.password);
    const response = await h.app.inject({
      method: 'POST',
      url: '/api/users-sessions/others/revoke',
      headers: bearer(here.access_token),
    });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { sessions_revoked: 2 });
    assert.equal(
      (await h.app.inject({ method: 'GET', url: '/api/users/me', headers: bearer(here.access_token) })).statusCode,
      200,
    );
    for (const other of [phone, laptop]) {
      assert.equal(
        (await h.app.inject({ method: 'GET', url: '/api/users/me', headers: bearer(other.access_token) })).statusCode,
        401,
      );
      assert.equal(
        (
          await h.app.inject({
            method: 'POST',
            url: '/api/users-sessions/refresh',
            payload: { refresh_token: other.refresh_token },
          })
        ).statusCode,
        401,
      );
    }
    assert.equal(
      (
        await h.app.inject({
          method: 'POST',
          url: '/api/users-sessions/refresh',
          payload: { refresh_token: here.refresh_token },
        })
      ).statusCode,
      200,
    );
    const audit = await h.store.audit.list({ type: 'sessions.revoked_others' }, { limit: 10 });
    assert.equal(audit.items[0]?.details.sessions_revoked, 2);
    assert.equal((await h.app.inject({ method: 'POST', url: '/api/users-sessions/others/revoke' })).statusCode, 401);
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
