import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bearer, problemOf } from '../helpers/harness.js';
import { addressesOf, linkToken } from '../helpers/smtp.js';
import { createMailHarness, type MailHarness } from './helpers.js';

describe('email addresses', () => {
  let h: MailHarness;
  before(async () => {
    h = await createMailHarness();
  });
  after(() => h.close());

  const change = (token: string, email: string) =>
    h.app.inject({ method: 'POST', url: '/api/users/me/email', headers: bearer(token), payload: { email } });
  const confirm = (token: string, link: string) =>
    h.app.inject({
      method: 'POST',
      url: '/api/users/me/email/confirm',
      headers: bearer(token),
      payload: { token: link },
    });

  it('a change mails a link to the new address and a notice to the old; the link sets it, verified, once', async () => {
    const user = await h.addMailUser('cleo');
    const session = (await h.login('cleo', user.password)).access_token;
    const asked = await change(session, 'Cleo.New@Example.test');
    assert.equal(asked.statusCode, 202, asked.body);
    assert.equal(asked.json<{ email: string }>().email, 'cleo.new@example.test');
    const link = await h.smtp.waitFor('cleo.new@example.test', /Confirm your email/);
    const notice = await h.smtp.waitFor(user.email, /being changed/);
    assert.doesNotMatch(notice.text ?? '', /token=/);
    assert.match(notice.text ?? '', /cleo\.new@example\.test/);
    const before = await h.app.inject({ method: 'GET', url: '/api/users/me', headers: bearer(session) });
    assert.equal(before.json<{ email: string }>().email, user.email, 'nothing changes before the link is opened');

    const other = await h.addUser('dora', 'clerk');
    const otherSession = (await h.login('dora', other.password)).access_token;
    const { token, url } = linkToken(link);
    assert.equal(url.pathname, '/verify-email');
    const wrong = await confirm(otherSession, token);
    assert.equal(wrong.statusCode, 403);
    assert.equal(problemOf(wrong).code, 'link_wrong_account');

    const done = await confirm(session, token);
    assert.equal(done.statusCode, 200, done.body);
    assert.deepEqual(
      [done.json<{ email: string }>().email, done.json<{ email_verified: boolean }>().email_verified],
      ['cleo.new@example.test', true],
    );
    assert.equal(problemOf(await confirm(session, token)).code, 'link_used');
    assert.equal((await h.store.users.findByEmail('cleo.new@example.test'))?.id, user.id);
  });

  it('a session signed in longer ago than the step-up max age cannot change the address (RFC 9470), and nothing is mailed', async () => {
    const user = await h.addMailUser('gail');
    const pair = await h.login('gail', user.password);
    h.clock.advance(901);
    const refreshed = await h.app.inject({
      method: 'POST',
      url: '/api/users-sessions/refresh',
      payload: { refresh_token: pair.refresh_token },
    });
    assert.equal(refreshed.statusCode, 200, refreshed.body);
    const aged = refreshed.json<{ access_token: string }>().access_token;
    const refused = await change(aged, 'gail.new@example.test');
    assert.equal(refused.statusCode, 401, refused.body);
    assert.equal(problemOf(refused).code, 'insufficient_user_authentication');
    assert.match(String(refused.headers['www-authenticate']), /max_age=900/);
    const fresh = (await h.login('gail', user.password)).access_token;
    assert.equal((await change(fresh, 'gail.new@example.test')).statusCode, 202);
    const link = await h.smtp.waitFor('gail.new@example.test', /Confirm your email/);
    assert.ok(link, "the fresh session's change is mailed");
    assert.equal(
      h.smtp.received.filter((m) => addressesOf(m).includes('gail.new@example.test')).length,
      1,
      'one mail: the refused change sent none',
    );
  });

  it('an address another account uses is a conflict', async () => {
    const a = await h.addMailUser('edna');
    const b = await h.addUser('flo', 'clerk');
    const session = (await h.login('flo', b.password)).access_token;
    assert.equal(problemOf(await change(session, a.email.toUpperCase())).code, 'conflict');
  });
});

describe('self sign-up', () => {
  it('BULWARK_SIGNUP=off (the default): 403 signup_closed', async () => {
    const h = await createMailHarness();
    try {
      const response = await h.app.inject({
        method: 'POST',
        url: '/api/signups',
        payload: { email: 'g@example.test', username: 'gus', password: 'a-long-enough-passphrase-1' },
      });
      assert.equal(response.statusCode, 403);
      assert.equal(problemOf(response).code, 'signup_closed');
      assert.equal(h.config.accounts.signup, 'off');
    } finally {
      await h.close();
    }
  });

  it('BULWARK_SIGNUP=open: the account exists (with the sign-up role) only once its address is proven', async () => {
    const h = await createMailHarness({ BULWARK_SIGNUP: 'open', BULWARK_SIGNUP_ROLE: 'employee' });
    try {
      const signup = (payload: object) => h.app.inject({ method: 'POST', url: '/api/signups', payload });
      const asked = await signup({
        email: 'Hana@Example.test',
        username: 'hana',
        password: 'a-long-enough-passphrase-1',
      });
      assert.equal(asked.statusCode, 202, asked.body);
      const login = await h.app.inject({
        method: 'POST',
        url: '/api/users-sessions',
        payload: { username: 'hana', password: 'a-long-enough-passphrase-1' },
      });
      assert.equal(problemOf(login).code, 'invalid_credentials', 'no sign-in before the address is verified');

      const mail = await h.smtp.waitFor('hana@example.test', /Finish creating/);
      assert.ok(!(mail.text ?? '').includes('a-long-enough-passphrase-1'), 'the password is not in the mail');
      const { token, url } = linkToken(mail);
      assert.equal(url.pathname, '/confirm-signup');
      const created = await h.app.inject({ method: 'POST', url: '/api/signups/confirm', payload: { token } });
      assert.equal(created.statusCode, 201, created.body);
      assert.equal(created.json<{ role: string }>().role, 'employee');
      assert.equal(created.json<{ email_verified: boolean }>().email_verified, true);
      await h.login('hana', 'a-long-enough-passphrase-1');
      assert.equal(
        problemOf(await h.app.inject({ method: 'POST', url: '/api/signups/confirm', payload: { token } })).code,
        'link_used',
      );

      const taken = await signup({
        email: 'hana@example.test',
        username: 'hana2',
        password: 'a-long-enough-passphrase-1',
      });
      assert.deepEqual(
        [taken.statusCode, taken.body],
        [asked.statusCode, asked.body],
        'an address with an account gets the same answer',
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(
        h.smtp.received.filter((m) => addressesOf(m).includes('hana@example.test')).length,
        1,
        'and no link',
      );
      assert.equal(
        problemOf(
          await signup({ email: 'other@example.test', username: 'hana', password: 'a-long-enough-passphrase-1' }),
        ).code,
        'conflict',
      );
      assert.equal(
        problemOf(await signup({ email: 'other@example.test', username: 'ivy', password: 'short' })).code,
        'invalid_request',
      );
    } finally {
      await h.close();
    }
  });
});
