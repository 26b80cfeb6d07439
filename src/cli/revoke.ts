import { parseArgs } from 'node:util';
import { NotFoundError } from '../errors/index.js';
import { normaliseUsername } from '../auth/users/usernames.js';
import { withUserAdmin } from '../compose/cli.js';
import { UsageError } from './usage.js';

/** `revoke --user U | --session SID | --jti JTI`: live tokens stop working on every instance. */
export async function revokeCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { user: { type: 'string' }, session: { type: 'string' }, jti: { type: 'string' } },
    strict: true,
  });
  const given = [values.user, values.session, values.jti].filter((v) => v !== undefined);
  if (given.length !== 1) throw new UsageError('revoke needs exactly one of --user U, --session SID, --jti JTI');
  const summary = await withUserAdmin(async (s) => {
    if (values.user !== undefined) {
      const user = await s.store.users.findByUsername(normaliseUsername(values.user));
      if (user === undefined) throw new NotFoundError('user');
      const count = await s.sessions.revokeAllSessions(user.id, 'cli');
      await s.revocations.revokeUser(user.id, 'cli');
      await s.audit.record('sessions.revoked', { targetId: user.id, details: { via: 'cli', sessions_revoked: count } });
      return `revoked ${count} session(s) and every live token of ${user.username}`;
    }
    if (values.session !== undefined) {
      const session = await s.store.sessions.findById(values.session);
      if (session === undefined) throw new NotFoundError('session');
      await s.sessions.revokeSession(session.id, 'cli');
      await s.audit.record('session.revoked', { targetId: session.id, details: { via: 'cli' } });
      return `revoked session ${session.id}`;
    }
    const jti = values.jti as string;
    // The token's exp is unknown here: keep the entry for the longest life an access token has.
    await s.revocations.revokeToken(jti, Math.ceil(Date.now() / 1000) + s.config.accessTokenTtlSeconds, 'cli');
    await s.audit.record('token.revoked', { targetId: jti, details: { via: 'cli' } });
    return `revoked token ${jti}`;
  });
  console.log(summary);
}
