import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bearer, problemOf } from '../helpers/harness.js';
import { linkToken } from '../helpers/smtp.js';
import type { RegistrationOptionsJSON } from '../passkeys/authenticator.js';
import { newAuthenticator, signInWith } from '../passkeys/helpers.js';
import { createMailHarness, type MailHarness } from './helpers.js';

describe('invitations: joining with a passkey instead of a password (software authenticator)', () => {
  let h: MailHarness;
  let adminPassword: string;
  before(async () => {
    h = await createMailHarness();
    adminPassword = (await h.addUser('pia', 'admin')).password;
  });
  after(() => h.close());

  /** An invitation for `email`: the link token from the mail a real SMTP server received. */
  const invited = async (email: string, roles = ['clerk']): Promise<string> => {
    // A fresh sign-in each time: one test moves the clock past the access token's life.
    const adminToken = (await h.login('pia', adminPassword)).access_token;
    const created = await h.app.inject({
      method: 'POST',
      url: '/api/invitations',
      headers: bearer(adminToken),
      payload: { email, roles },
    });
    assert.equal(created.statusCode, 201, created.body);
    return linkToken(await h.smtp.waitFor(email, /invited/)).token;
  };
  const passkeyOptions = (token: string, username: string) =>
    h.app.inject({ method: 'POST', url: '/api/invitations/accept/passkey-options', payload: { token, username } });
  const optionsFor = async (token: string, username: string): Promise<RegistrationOptionsJSON> => {
    const response = await passkeyOptions(token, username);
    assert.equal(response.statusCode, 200, response.body);
    return response.json<RegistrationOptionsJSON>();
  };
  const accept = (payload: object) => h.app.inject({ method: 'POST', url: '/api/invitations/accept', payload });
  const linkOf = async (token: string) => {
    const { hashLinkToken } = await import('../../src/auth/self-service/links.js');
    return h.store.accounts.findLink(hashLinkToken(token));
  };

  it('the invited person registers a passkey, gets the invited role and a verified address, then signs in with it', async () => {
    const token = await invited('quinn@example.test');
    const options = await optionsFor(token, 'quinn');
    const raw = options as unknown as {
      authenticatorSelection: { residentKey: string; userVerification: string };
      user: { id: string; name: string };
    };
    assert.deepEqual(
      [raw.authenticatorSelection.residentKey, raw.authenticatorSelection.userVerification],
      ['required', 'required'],
    );
    assert.equal(raw.user.name, 'quinn');
    assert.equal((await linkOf(token))?.usedAt, null, 'the options do not spend the link');

    const authenticator = newAuthenticator();
    const joined = await accept({
      token,
      username: 'quinn',
      passkey: { name: 'Laptop', response: authenticator.create(options) },
    });
    assert.equal(joined.statusCode, 201, joined.body);
    const user = joined.json<{ id: string; username: string; role: string; email: string; email_verified: boolean }>();
    assert.deepEqual(
      [user.username, user.role, user.email, user.email_verified],
      ['quinn', 'clerk', 'quinn@example.test', true],
    );
    assert.equal(
      Buffer.from(raw.user.id, 'base64url').toString('utf8'),
      user.id,
      'the user handle of the options is the new account id',
    );
    assert.deepEqual(
      (await h.store.passkeys.listForUser(user.id)).map((p) => p.name),
      ['Laptop'],
    );
    assert.notEqual((await linkOf(token))?.usedAt, null);

    const signedIn = await signInWith(h, authenticator);
    assert.equal(signedIn.statusCode, 201, signedIn.body);
    const me = await h.app.inject({
      method: 'GET',
      url: '/api/users/me',
      headers: bearer(signedIn.json<{ access_token: string }>().access_token),
    });
    assert.equal(me.json<{ username: string }>().username, 'quinn');

    const again = await accept({
      token,
      username: 'quinn2',
      passkey: { name: 'Phone', response: newAuthenticator().create(options) },
    });
    assert.equal(problemOf(again).code, 'link_used');
    assert.equal(problemOf(await passkeyOptions(token, 'quinn3')).code, 'link_used');
    const types = (await h.store.audit.list({}, { limit: 200 })).items.map((e) => e.type);
    assert.ok(types.includes('invitation.accepted') && types.includes('passkey.registered'));
  });

  it('forged and expired links get their codes; a taken username is a conflict; nothing is created', async () => {
    const token = await invited('rhea@example.test');
    assert.equal(problemOf(await passkeyOptions(token.slice(0, -2) + 'AA', 'rhea')).code, 'link_invalid');
    assert.equal(problemOf(await passkeyOptions(token, 'pia')).code, 'conflict');
    assert.equal(problemOf(await passkeyOptions(token, 'bad name!')).code, 'invalid_request');
    const options = await optionsFor(token, 'rhea');
    const response = newAuthenticator().create(options);
    assert.equal(
      problemOf(
        await accept({ token: token.slice(0, -2) + 'AA', username: 'rhea', passkey: { name: 'Key', response } }),
      ).code,
      'link_invalid',
    );
    h.clock.advance(h.config.accounts.invitationTtlSeconds + 1);
    assert.equal(problemOf(await passkeyOptions(token, 'rhea')).code, 'link_expired');
    assert.equal(
      problemOf(await accept({ token, username: 'rhea', passkey: { name: 'Key', response } })).code,
      'link_expired',
    );
    assert.equal(await h.store.users.findByUsername('rhea'), undefined);
  });

  it('a challenge of another invitation or another username is refused, and the link stays usable', async () => {
    const first = await invited('sol@example.test');
    const second = await invited('tove@example.test');
    const otherInvitation = await optionsFor(second, 'sol');
    const wrong = await accept({
      token: first,
      username: 'sol',
      passkey: { name: 'Key', response: newAuthenticator().create(otherInvitation) },
    });
    assert.equal(problemOf(wrong).code, 'invalid_passkey_challenge');
    const otherName = await optionsFor(first, 'solveig');
    assert.equal(
      problemOf(
        await accept({
          token: first,
          username: 'sol',
          passkey: { name: 'Key', response: newAuthenticator().create(otherName) },
        }),
      ).code,
      'invalid_passkey_challenge',
    );
    const badOrigin = await optionsFor(first, 'sol');
    const forged = await accept({
      token: first,
      username: 'sol',
      passkey: { name: 'Key', response: newAuthenticator().create(badOrigin, { origin: 'https://evil.test' }) },
    });
    assert.equal(problemOf(forged).code, 'invalid_passkey_registration');
    assert.equal(await h.store.users.findByUsername('sol'), undefined);
    assert.equal((await linkOf(first))?.usedAt, null, 'a refused passkey leaves the link usable');

    const options = await optionsFor(first, 'sol');
    const joined = await accept({
      token: first,
      username: 'sol',
      passkey: { name: 'Key', response: newAuthenticator().create(options) },
    });
    assert.equal(joined.statusCode, 201, joined.body);
  });

  it('a username taken between the options and the answer is a conflict and creates no passkey', async () => {
    const token = await invited('uma@example.test');
    const options = await optionsFor(token, 'uma');
    await h.addUser('uma', 'employee');
    const taken = await accept({
      token,
      username: 'uma',
      passkey: { name: 'Key', response: newAuthenticator().create(options) },
    });
    assert.equal(problemOf(taken).code, 'conflict');
    assert.equal((await linkOf(token))?.usedAt, null);
  });

  it('both a password and a passkey, or neither, is invalid_request', async () => {
    const token = await invited('vera@example.test');
    const options = await optionsFor(token, 'vera');
    const response = newAuthenticator().create(options);
    const both = await accept({
      token,
      username: 'vera',
      password: 'a-long-enough-passphrase-1',
      passkey: { name: 'Key', response },
    });
    assert.equal(both.statusCode, 400);
    assert.equal(problemOf(both).code, 'invalid_request');
    assert.equal(problemOf(await accept({ token, username: 'vera' })).code, 'invalid_request');
    assert.equal(await h.store.users.findByUsername('vera'), undefined);
  });
});
