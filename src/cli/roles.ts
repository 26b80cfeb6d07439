import { parseArgs } from 'node:util';
import type { NamedGrant } from '../auth/registry/registry-service.js';
import { toRoleView } from '../auth/registry/views.js';
import { withRegistryAdmin } from '../compose/cli.js';
import { table } from './context.js';
import { UsageError } from './usage.js';

/** `bulwark roles add|list|show|update|remove`: roles as data, permissions on registered APIs. */
export async function rolesCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === 'add') return addRole(rest);
  if (sub === 'list') return listRoles(rest);
  if (sub === 'show') return showRole(rest);
  if (sub === 'update') return updateRole(rest);
  if (sub === 'remove') return removeRole(rest);
  throw new UsageError(`unknown roles command "${sub ?? ''}" (add, list, show, update, remove)`);
}

const OPTIONS = {
  description: { type: 'string' },
  api: { type: 'string' },
  permission: { type: 'string', multiple: true },
  json: { type: 'boolean' },
} as const;

/**
 * `--permission "API PERMISSION"` (neither has a space), or `--permission PERMISSION` of the
 * `--api` given once.
 */
function grants(values: readonly string[] | undefined, api: string | undefined): NamedGrant[] | undefined {
  return values?.map((v) => {
    const parts = v.split(' ').filter((p) => p !== '');
    if (parts.length === 2) return { api: parts[0] as string, permission: parts[1] as string };
    if (parts.length === 1 && api !== undefined) return { api, permission: parts[0] as string };
    throw new UsageError('--permission takes "API PERMISSION", or PERMISSION with --api API');
  });
}

type View = ReturnType<typeof toRoleView>;

function print(view: View, json: boolean): void {
  if (json) {
    console.log(JSON.stringify(view, null, 2));
    return;
  }
  console.log(`name         ${view.name}`);
  console.log(`id           ${view.id}`);
  console.log(`description  ${view.description || '-'}`);
  console.log(`permissions  ${view.permissions.map((p) => `${p.api} ${p.permission}`).join(', ') || '-'}`);
}

async function addRole(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
  if (positionals.length !== 1) throw new UsageError('roles add needs exactly one NAME');
  const view = await withRegistryAdmin(async (s) => {
    const role = await s.registry.createRole(
      {
        name: positionals[0] as string,
        description: values.description,
        permissions: grants(values.permission, values.api),
      },
      null,
    );
    return toRoleView(role, await s.registry.cache.current());
  });
  print(view, values.json === true);
}

async function listRoles(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' } }, strict: true });
  const roles = await withRegistryAdmin(async (s) => {
    const current = await s.registry.cache.current();
    return current.roles.map((r) => toRoleView(r, current));
  });
  if (values.json === true) {
    console.log(JSON.stringify(roles, null, 2));
    return;
  }
  console.log(
    table([
      ['NAME', 'PERMISSIONS', 'DESCRIPTION'],
      ...roles.map((r) => [r.name, String(r.permissions.length), r.description]),
    ]),
  );
}

async function showRole(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: { json: { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw new UsageError('roles show needs exactly one NAME');
  const view = await withRegistryAdmin(async (s) =>
    toRoleView(await s.registry.roleByName(positionals[0] as string), await s.registry.cache.current()),
  );
  print(view, values.json === true);
}

async function updateRole(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
  if (positionals.length !== 1) throw new UsageError('roles update needs exactly one NAME');
  const change = { description: values.description, permissions: grants(values.permission, values.api) };
  if (change.description === undefined && change.permissions === undefined)
    throw new UsageError('roles update needs --description or --permission (the full new list)');
  const view = await withRegistryAdmin(async (s) => {
    const { id } = await s.registry.roleByName(positionals[0] as string);
    const role = await s.registry.updateRole(id, change, null);
    return toRoleView(role, await s.registry.cache.current());
  });
  print(view, values.json === true);
}

async function removeRole(args: string[]): Promise<void> {
  const { positionals } = parseArgs({ args, allowPositionals: true, strict: true });
  if (positionals.length !== 1) throw new UsageError('roles remove needs exactly one NAME');
  await withRegistryAdmin(async (s) => {
    const { id } = await s.registry.roleByName(positionals[0] as string);
    await s.registry.deleteRole(id, null);
  });
  console.log(`removed ${positionals[0] as string}; its holders' sessions are ended`);
}
