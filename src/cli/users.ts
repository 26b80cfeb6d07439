import { parseArgs } from 'node:util';
import { ROLES, type Role } from '../store/types.js';
import {
  withAccountAdmin,
  withSelfService,
  withStore,
  withRegistryAdmin,
  withUserAdmin,
  type AccountAdminContext,
} from '../compose/cli.js';
import type { UserRecord } from '../store/types.js';
import { readStdin, table } from './context.js';
import { UsageError } from './usage.js';
import { employeeLinkOf } from '../auth/users/employee-directory.js';

export async function usersCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === 'add') return addUser(rest);
  if (sub === 'list') return listUsers(rest);
  if (sub === 'disable') return disableUser(rest);
  if (sub === 'enable') return enableUser(rest);
  if (sub === 'set-role') return setRole(rest);
  if (sub === 'reset-password') return resetPassword(rest);
  if (sub === 'reset-mfa') return resetMfa(rest);
  if (sub === 'unlock') return unlockUser(rest);
  if (sub === 'invite') return inviteUser(rest);
  if (sub === 'grant') return grantRole(rest, true);
  if (sub === 'ungrant') return grantRole(rest, false);
  throw new UsageError(
    `unknown users command "${sub ?? ''}" (add, invite, list, disable, enable, set-role, grant, ungrant, reset-password, reset-mfa, unlock)`,
  );
}

/** `users grant|ungrant U ROLE`: adds or removes one role; a change ends the user's sessions. */
async function grantRole(args: string[], grant: boolean): Promise<void> {
  const { positionals } = parseArgs({ args, allowPositionals: true, strict: true });
  const verb = grant ? 'grant' : 'ungrant';
  if (positionals.length !== 2) throw new UsageError(`users ${verb} needs a username and a role name`);
  const [username, role] = positionals as [string, string];
  const roles = await withRegistryAdmin(async (s) => {
    const user = await s.users.getByUsername(username);
    const held = await s.registry.userRoles(user.id);
    const next = grant ? [...held, role] : held.filter((r) => r !== role);
    return s.registry.setUserRoles(user.id, next, null);
  });
  console.log(`${username}: ${roles.join(' ') || '(no roles)'}`);
}

async function addUser(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      username: { type: 'string' },
      role: { type: 'string' },
      'employee-id': { type: 'string' },
      'password-stdin': { type: 'boolean' },
    },
    strict: true,
  });
  if (values.username === undefined) throw new UsageError('users add needs --username');
  if (!ROLES.includes(values.role as Role)) throw new UsageError('users add needs --role admin|clerk|employee');
  if (values['password-stdin'] !== true)
    throw new UsageError('users add needs --password-stdin (passwords never go on the command line)');
  const password = await readStdin();
  const user = await withUserAdmin((s) =>
    s.users.create(
      {
        username: values.username as string,
        password,
        role: values.role as Role,
        employeeId: values['employee-id'] ?? null,
      },
      null,
    ),
  );
  console.log(user.id);
}

/** `users invite EMAIL --role R [--employee-id ID] [--json]`: queues the invitation mail; prints the invitation id. */
async function inviteUser(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { role: { type: 'string' }, 'employee-id': { type: 'string' }, json: { type: 'boolean' } },
    strict: true,
  });
  if (positionals.length !== 1) throw new UsageError('users invite needs exactly one email address');
  if (!ROLES.includes(values.role as Role)) throw new UsageError('users invite needs --role admin|clerk|employee');
  const invitation = await withSelfService((s) =>
    s.selfService.invitations.create(
      positionals[0] as string,
      [values.role as Role],
      { id: null, administers: true },
      null,
      values['employee-id'] ?? null,
    ),
  );
  const view = {
    id: invitation.id,
    email: invitation.email,
    roles: invitation.roles,
    employee_id: employeeLinkOf(invitation),
    expires_at: new Date(invitation.expiresAt).toISOString(),
  };
  console.log(
    values.json === true
      ? JSON.stringify(view, null, 2)
      : `${view.id} invited ${view.email} (${view.roles.join(' ')}), link valid until ${view.expires_at}`,
  );
}

async function listUsers(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' } }, strict: true });
  const users = await withStore('read', async ({ store }) => {
    const all = [];
    let cursor: string | undefined;
    do {
      const page = await store.users.list({ cursor, limit: 100 });
      all.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    return all;
  });
  const view = users.map((u) => ({
    id: u.id,
    username: u.username,
    role: u.role,
    employee_id: employeeLinkOf(u),
    disabled: u.disabled,
    created_at: new Date(u.createdAt).toISOString(),
  }));
  if (values.json === true) {
    console.log(JSON.stringify(view, null, 2));
    return;
  }
  console.log(
    table([
      ['ID', 'USERNAME', 'ROLE', 'EMPLOYEE', 'DISABLED'],
      ...view.map((u) => [u.id, u.username, u.role, u.employee_id ?? '-', u.disabled ? 'yes' : 'no']),
    ]),
  );
}

async function disableUser(args: string[]): Promise<void> {
  const { positionals } = parseArgs({ args, allowPositionals: true, strict: true });
  if (positionals.length !== 1) throw new UsageError('users disable needs exactly one username');
  const user = await withUserAdmin((s) => s.users.disableByUsername(positionals[0] as string, null));
  console.log(`disabled ${user.username}; their sessions and tokens are revoked`);
}

/** The positional arguments of a command that takes exactly `count` of them. */
function positionalsOf(args: string[], count: number, usage: string): string[] {
  const { positionals } = parseArgs({ args, allowPositionals: true, strict: true });
  if (positionals.length !== count) throw new UsageError(usage);
  return positionals;
}

/** Runs `work` on the named user (NotFoundError, exit 1, when there is none). */
function onUser<T>(username: string, work: (user: UserRecord, context: AccountAdminContext) => Promise<T>): Promise<T> {
  return withAccountAdmin(async (context) => work(await context.users.getByUsername(username), context));
}

async function enableUser(args: string[]): Promise<void> {
  const [username] = positionalsOf(args, 1, 'users enable needs exactly one username');
  const user = await onUser(username as string, (u, s) => s.users.update(u.id, { disabled: false }, null));
  console.log(`enabled ${user.username}`);
}

async function setRole(args: string[]): Promise<void> {
  const [username, role] = positionalsOf(args, 2, 'users set-role needs a username and a role (admin|clerk|employee)');
  if (!ROLES.includes(role as Role)) throw new UsageError('users set-role needs a role admin|clerk|employee');
  const user = await onUser(username as string, (u, s) => s.users.update(u.id, { role: role as Role }, null));
  console.log(`${user.username} is now ${user.role}; their sessions and tokens are revoked`);
}

async function resetPassword(args: string[]): Promise<void> {
  const [username] = positionalsOf(args, 1, 'users reset-password needs exactly one username');
  const { oneTimePassword } = await onUser(username as string, (u, s) => s.accounts.resetPassword(u.id, null));
  // Printed once, to stdout only: hand it to the user, who must replace it at the next login.
  console.log(oneTimePassword);
  console.error(
    `one-time password for ${username as string}: they must choose a new password at the next login; their sessions are revoked`,
  );
}

async function resetMfa(args: string[]): Promise<void> {
  const [username] = positionalsOf(args, 1, 'users reset-mfa needs exactly one username');
  const { totpRemoved, passkeysRemoved } = await onUser(username as string, (u, s) => s.mfa.reset(u.id, null));
  const removed = [
    totpRemoved ? 'the authenticator' : '',
    passkeysRemoved > 0 ? `${passkeysRemoved} passkey${passkeysRemoved === 1 ? '' : 's'}` : '',
  ].filter((part) => part !== '');
  console.log(
    removed.length > 0
      ? `reset the second factor of ${username as string}: removed ${removed.join(' and ')}`
      : `${username as string} had no second factor`,
  );
}

async function unlockUser(args: string[]): Promise<void> {
  const [username] = positionalsOf(args, 1, 'users unlock needs exactly one username');
  const addresses = await onUser(username as string, (u, s) => s.accounts.unlock(u.id, null));
  console.log(
    `unlocked ${username as string} (failed logins from ${addresses} address${addresses === 1 ? '' : 'es'} forgotten)`,
  );
}
