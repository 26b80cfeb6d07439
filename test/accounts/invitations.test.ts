import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import { seedDemoPayroll } from '../../src/payroll/index.js';
import type { AccountsTables } from '../../src/store/accounts-schema.js';
import { bearer, decodeJwt, problemOf } from '../helpers/harness.js';
import { linkToken } from '../helpers/smtp.js';
import { createMailHarness, type MailHarness } from './helpers.js';

describe('invitations (mail through a real SMTP server)', () => {
  let h: MailHarness;
  let adminToken: string;
  before(async () => {
    h = await createMailHarness();
    const admin = await h.addUser('yara', 'admin');
    adminToken = (await h.login('yara', admin.password)).access_token;
  });
  after(() => h.close());

  const invite = (token: string, payload: object) =>
    h.app.inject({ method: 'POST', url: '/api/invitations', headers: bearer(token), payload });
  const accept = (payload: object) => h.app.inject({ method: 'POST', url: '/api/invitations/accept', payload });

  it('an invited person joins from the mail: chooses a username and password, signs in with the invited role and a verified address', async () => {
    const created = await invite(adminToken, { email: 'Zoe@Example.test', roles: ['clerk'] });
    assert.equal(created.statusCode, 201, created.body);
    const invitation = created.json<{ id: string; email: string; roles: string[]; expires_at: string }>();
    assert.equal(invitation.email, 'zoe@example.test');
    assert.deepEqual(invitation.roles, ['clerk']);
    assert.ok(!created.body.includes('token'), 'the link is only in the mail');

    const mail = await h.smtp.waitFor('zoe@example.test', /invited/);
    const { url, token } = linkToken(mail);
    assert.equal(url.pathname, '/accept-invitation');
    const weak = await accept({ token, username: 'zoe', password: 'zoezoezoe' });
    assert.equal(problemOf(weak).code, 'invalid_request');
    const taken = await accept({ token, username: 'yara', password: 'a-long-enough-passphrase-1' });
    assert.equal(problemOf(taken).code, 'conflict');

    const joined = await accept({ token, username: 'zoe', password: 'a-long-enough-passphrase-1' });
    assert.equal(joined.statusCode, 201, joined.body);
    assert.deepEqual(
      { ...joined.json<Record<string, unknown>>(), id: '', created_at: '', updated_at: '' },
      {
        id: '',
        username: 'zoe',
        role: 'clerk',
        employee_id: null,
        disabled: false,
        email: 'zoe@example.test',
        email_verified: true,
        roles: ['clerk'],
        attributes: {},
        created_at: '',
        updated_at: '',
      },
    );
    const session = await h.login('zoe', 'a-long-enough-passphrase-1');
    const me = await h.app.inject({ method: 'GET', url: '/api/users/me', headers: bearer(session.access_token) });
    assert.equal(me.json<{ role: string }>().role, 'clerk');

    const again = await accept({ token, username: 'zoe2', password: 'a-long-enough-passphrase-1' });
    assert.equal(again.statusCode, 410);
    assert.equal(problemOf(again).code, 'link_used');
    const types = (await h.store.audit.list({}, { limit: 100 })).items.map((e) => e.type);
    assert.ok(types.includes('invitation.created') && types.includes('invitation.accepted'));
  });

  it('only admins invite (BULWARK_SIGNUP=off), an address with an account is a conflict, bad input is 400', async () => {
    const clerk = await h.addUser('abel', 'clerk');
    const clerkToken = (await h.login('abel', clerk.password)).access_token;
    assert.equal(
      problemOf(await invite(clerkToken, { email: 'x@example.test', roles: ['employee'] })).code,
      'forbidden',
    );
    await h.store.users.update(clerk.id, { email: 'abel@example.test', updatedAt: h.clock.now() });
    assert.equal(
      problemOf(await invite(adminToken, { email: 'ABEL@example.test', roles: ['clerk'] })).code,
      'conflict',
    );
    assert.equal(
      problemOf(await invite(adminToken, { email: 'not-an-address', roles: ['clerk'] })).code,
      'invalid_request',
    );
    assert.equal(
      problemOf(await invite(adminToken, { email: 'y@example.test', roles: ['root'] })).code,
      'invalid_request',
    );
    assert.equal(problemOf(await invite(adminToken, { email: 'y@example.test', roles: [] })).code, 'invalid_request');
  });

  it('an invited employee linked to their employee record joins and sees their own payments only', async () => {
    const links = await seedDemoPayroll(h.payroll);
    const carol = links.carol as string;
    const created = await invite(adminToken, {
      email: 'carol.n@example.test',
      roles: ['employee'],
      employee_id: carol,
    });
    assert.equal(created.statusCode, 201, created.body);
    assert.equal(created.json<{ employee_id: string | null }>().employee_id, carol);
    const { token } = linkToken(await h.smtp.waitFor('carol.n@example.test', /invited/));
    const joined = await accept({ token, username: 'carol2', password: 'a-long-enough-passphrase-1' });
    assert.equal(joined.statusCode, 201, joined.body);
    assert.equal(joined.json<{ employee_id: string | null }>().employee_id, carol);

    const session = await h.login('carol2', 'a-long-enough-passphrase-1');
    const payments = await h.app.inject({
      method: 'GET',
      url: '/api/payments?limit=100',
      headers: bearer(session.access_token),
    });
    assert.equal(payments.statusCode, 200, payments.body);
    const items = payments.json<{ items: { employee_id: string }[] }>().items;
    assert.ok(items.length > 0, 'the linked employee has payments');
    assert.deepEqual([...new Set(items.map((p) => p.employee_id))], [carol]);
    const invitationEvent = (await h.store.audit.list({}, { limit: 100 })).items.find(
      (e) => e.type === 'invitation.created' && e.targetId === created.json<{ id: string }>().id,
    );
    assert.deepEqual(invitationEvent?.details, { roles: ['employee'], linked_employee: true });
  });

  it('an invitation to an employee record that does not exist is refused and sends nothing', async () => {
    const refused = await invite(adminToken, {
      email: 'ghost@example.test',
      roles: ['employee'],
      employee_id: 'no-such-employee',
    });
    assert.equal(refused.statusCode, 400);
    assert.equal(problemOf(refused).code, 'invalid_request');
    assert.match(problemOf(refused).detail ?? '', /employee/);
    assert.equal(
      problemOf(await invite(adminToken, { email: 'ghost@example.test', roles: ['employee'], employee_id: '' })).code,
      'invalid_request',
    );
    const sent = await h.store.db.withTables<AccountsTables>().selectFrom('mail_outbox').select('to_address').execute();
    assert.ok(!sent.some((m) => m.to_address === 'ghost@example.test'));
  });

  it("an admin sets, changes and clears a user's employee link (audited); an unknown record is refused", async () => {
    const links = await seedDemoPayroll(h.payroll);
    const user = await h.addUser('eve', 'employee');
    const before = (await h.login('eve', user.password)).access_token;
    const patch = (payload: object) =>
      h.app.inject({ method: 'PATCH', url: `/api/users/${user.id}`, headers: bearer(adminToken), payload });
    const set = await patch({ employee_id: links.carol });
    assert.equal(set.statusCode, 200, set.body);
    assert.equal(set.json<{ employee_id: string | null }>().employee_id, links.carol);
    const stale = await h.app.inject({ method: 'GET', url: '/api/payments', headers: bearer(before) });
    assert.equal(stale.statusCode, 401, 'a token of the old link no longer works');
    const fresh = await h.login('eve', user.password);
    assert.equal(decodeJwt(fresh.access_token).claims.employee_id, links.carol);
    assert.equal(problemOf(await patch({ employee_id: 'no-such-employee' })).code, 'invalid_request');
    assert.equal((await h.store.users.findById(user.id))?.attributes?.employee_id, links.carol);
    const cleared = await patch({ employee_id: null });
    assert.equal(cleared.json<{ employee_id: string | null }>().employee_id, null);
    const changes = (await h.store.audit.list({}, { limit: 200 })).items
      .filter((e) => e.type === 'user.updated' && e.targetId === user.id)
      .map((e) => (e.details as { changes: unknown }).changes);
    assert.equal(changes.length, 2);
    assert.ok(changes.some((c) => isDeepStrictEqual(c, { employee_id: { from: null, to: links.carol } })));
    assert.ok(changes.some((c) => isDeepStrictEqual(c, { employee_id: { from: links.carol, to: null } })));
    const created = await h.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: bearer(adminToken),
      payload: {
        username: 'mallory',
        password: 'a-long-enough-passphrase-1',
        role: 'employee',
        employee_id: 'no-such-employee',
      },
    });
    assert.equal(problemOf(created).code, 'invalid_request');
  });

  it('an expired or forged invitation link creates nothing', async () => {
    await invite(adminToken, { email: 'late@example.test', roles: ['employee'] });
    const { token } = linkToken(await h.smtp.waitFor('late@example.test', /invited/));
    h.clock.advance(h.config.accounts.invitationTtlSeconds + 1);
    const expired = await accept({ token, username: 'late', password: 'a-long-enough-passphrase-1' });
    assert.equal(problemOf(expired).code, 'link_expired');
    assert.equal(
      problemOf(
        await accept({ token: token.slice(0, -2) + 'AA', username: 'late', password: 'a-long-enough-passphrase-1' }),
      ).code,
      'link_invalid',
    );
    assert.equal(await h.store.users.findByUsername('late'), undefined);
  });
});

describe('invitations with BULWARK_SIGNUP=invite', () => {
  let h: MailHarness;
  before(async () => {
    h = await createMailHarness({ BULWARK_SIGNUP: 'invite', BULWARK_SIGNUP_ROLE: 'employee' });
  });
  after(() => h.close());

  it('any signed-in user may invite, for the sign-up role only', async () => {
    const clerk = await h.addUser('bea', 'clerk');
    const token = (await h.login('bea', clerk.password)).access_token;
    const ok = await h.app.inject({
      method: 'POST',
      url: '/api/invitations',
      headers: bearer(token),
      payload: { email: 'friend@example.test', roles: ['employee'] },
    });
    assert.equal(ok.statusCode, 201);
    const admin = await h.app.inject({
      method: 'POST',
      url: '/api/invitations',
      headers: bearer(token),
      payload: { email: 'boss@example.test', roles: ['admin'] },
    });
    assert.equal(problemOf(admin).code, 'signup_closed');
    const signup = await h.app.inject({
      method: 'POST',
      url: '/api/signups',
      payload: { email: 'me@example.test', username: 'me', password: 'a-long-enough-passphrase-1' },
    });
    assert.equal(problemOf(signup).code, 'signup_closed');
  });

  it('a user who is not an admin cannot link the invitation to an employee record', async () => {
    const links = await seedDemoPayroll(h.payroll);
    const clerk = await h.addUser('cid', 'clerk');
    const token = (await h.login('cid', clerk.password)).access_token;
    const linked = await h.app.inject({
      method: 'POST',
      url: '/api/invitations',
      headers: bearer(token),
      payload: { email: 'pal@example.test', roles: ['employee'], employee_id: links.carol },
    });
    assert.equal(linked.statusCode, 403);
    assert.equal(problemOf(linked).code, 'forbidden');
    const plain = await h.app.inject({
      method: 'POST',
      url: '/api/invitations',
      headers: bearer(token),
      payload: { email: 'pal@example.test', roles: ['employee'] },
    });
    assert.equal(plain.statusCode, 201, plain.body);
    assert.equal(plain.json<{ employee_id: string | null }>().employee_id, null);
  });
});
