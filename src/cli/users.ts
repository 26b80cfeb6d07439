import { parseArgs } from 'node:util';
import { ROLES, type Role } from '../store/types.js';
import { withStore, withUserAdmin } from '../compose/cli.js';
import { readStdin, table } from './context.js';
import { UsageError } from './usage.js';

export async function usersCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === 'add') return addUser(rest);
  if (sub === 'list') return listUsers(rest);
  if (sub === 'disable') return disableUser(rest);
  throw new UsageError(`unknown users command "${sub ?? ''}" (add, list, disable)`);
}

async function addUser(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { username: { type: 'string' }, role: { type: 'string' }, 'employee-id': { type: 'string' }, 'password-stdin': { type: 'boolean' } },
    strict: true,
  });
  if (values.username === undefined) throw new UsageError('users add needs --username');
  if (!ROLES.includes(values.role as Role)) throw new UsageError('users add needs --role admin|clerk|employee');
  if (values['password-stdin'] !== true) throw new UsageError('users add needs --password-stdin (passwords never go on the command line)');
  const password = await readStdin();
  const user = await withUserAdmin((s) =>
    s.users.create({ username: values.username as string, password, role: values.role as Role, employeeId: values['employee-id'] ?? null }, null),
  );
  console.log(user.id);
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
  const view = users.map((u) => ({ id: u.id, username: u.username, role: u.role, employee_id: u.employeeId, disabled: u.disabled, created_at: new Date(u.createdAt).toISOString() }));
  if (values.json === true) {
    console.log(JSON.stringify(view, null, 2));
    return;
  }
  console.log(table([['ID', 'USERNAME', 'ROLE', 'EMPLOYEE', 'DISABLED'], ...view.map((u) => [u.id, u.username, u.role, u.employee_id ?? '-', u.disabled ? 'yes' : 'no'])]));
}

async function disableUser(args: string[]): Promise<void> {
  const { positionals } = parseArgs({ args, allowPositionals: true, strict: true });
  if (positionals.length !== 1) throw new UsageError('users disable needs exactly one username');
  const user = await withUserAdmin((s) => s.users.disableByUsername(positionals[0] as string, null));
  console.log(`disabled ${user.username}; their sessions and tokens are revoked`);
}
