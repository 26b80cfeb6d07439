import { parseArgs } from 'node:util';
import { toApiView } from '../auth/registry/views.js';
import { withRegistryAdmin } from '../compose/cli.js';
import { table } from './context.js';
import { UsageError } from './usage.js';

/** `bulwark apis add|list|show|update|remove`: the APIs (resource servers) tokens are issued for. */
export async function apisCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === 'add') return addApi(rest);
  if (sub === 'list') return listApis(rest);
  if (sub === 'show') return showApi(rest);
  if (sub === 'update') return updateApi(rest);
  if (sub === 'remove') return removeApi(rest);
  throw new UsageError(`unknown apis command "${sub ?? ''}" (add, list, show, update, remove)`);
}

const OPTIONS = {
  name: { type: 'string' },
  permission: { type: 'string', multiple: true },
  ttl: { type: 'string' },
  claim: { type: 'string', multiple: true },
  json: { type: 'boolean' },
} as const;

/** `NAME` or `NAME=DESCRIPTION`: a scope-token has no `=`-free guarantee, so the first `=` splits. */
function permissions(values: readonly string[] | undefined): Array<{ name: string; description: string }> | undefined {
  return values?.map((v) => {
    const at = v.indexOf('=');
    return at === -1 ? { name: v, description: '' } : { name: v.slice(0, at), description: v.slice(at + 1) };
  });
}

/** Seconds, or `global` (null: BULWARK_ACCESS_TOKEN_TTL). */
function ttl(value: string | undefined): number | null | undefined {
  if (value === undefined) return undefined;
  if (value === 'global') return null;
  if (!/^\d{1,6}$/.test(value)) throw new UsageError('--ttl takes seconds, or "global"');
  return Number(value);
}

function print(view: ReturnType<typeof toApiView>, json: boolean): void {
  if (json) {
    console.log(JSON.stringify(view, null, 2));
    return;
  }
  console.log(`identifier        ${view.identifier}`);
  console.log(`name              ${view.name}`);
  console.log(`id                ${view.id}`);
  console.log(`access_token_ttl  ${view.access_token_ttl ?? 'global'}`);
  console.log(`claims            ${view.claims.join(' ') || '-'}`);
  console.log(`permissions       ${view.permissions.map((p) => p.name).join(' ') || '-'}`);
}

async function addApi(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
  if (positionals.length !== 1) throw new UsageError('apis add needs exactly one IDENTIFIER (an absolute URI)');
  const api = await withRegistryAdmin((s) =>
    s.registry.createApi(
      {
        identifier: positionals[0] as string,
        name: values.name ?? (positionals[0] as string),
        permissions: permissions(values.permission),
        accessTokenTtlSeconds: ttl(values.ttl),
        claims: values.claim,
      },
      null,
    ),
  );
  print(toApiView(api), values.json === true);
}

async function listApis(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' } }, strict: true });
  const apis = await withRegistryAdmin(async (s) => (await s.registry.cache.current()).apis.map(toApiView));
  if (values.json === true) {
    console.log(JSON.stringify(apis, null, 2));
    return;
  }
  console.log(
    table([
      ['IDENTIFIER', 'NAME', 'PERMISSIONS', 'TTL', 'CLAIMS'],
      ...apis.map((a) => [
        a.identifier,
        a.name,
        a.permissions.map((p) => p.name).join(' '),
        String(a.access_token_ttl ?? 'global'),
        a.claims.join(' '),
      ]),
    ]),
  );
}

async function showApi(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: { json: { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw new UsageError('apis show needs exactly one IDENTIFIER');
  const api = await withRegistryAdmin((s) => s.registry.apiByIdentifier(positionals[0] as string));
  print(toApiView(api), values.json === true);
}

async function updateApi(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: { ...OPTIONS, 'no-claims': { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw new UsageError('apis update needs exactly one IDENTIFIER');
  const claims = values['no-claims'] === true ? [] : values.claim;
  const change = {
    name: values.name,
    permissions: permissions(values.permission),
    accessTokenTtlSeconds: ttl(values.ttl),
    claims,
  };
  if (Object.values(change).every((v) => v === undefined))
    throw new UsageError('apis update needs --name, --permission, --ttl, --claim or --no-claims');
  const api = await withRegistryAdmin(async (s) => {
    const { id } = await s.registry.apiByIdentifier(positionals[0] as string);
    return s.registry.updateApi(id, change, null);
  });
  print(toApiView(api), values.json === true);
}

async function removeApi(args: string[]): Promise<void> {
  const { positionals } = parseArgs({ args, allowPositionals: true, strict: true });
  if (positionals.length !== 1) throw new UsageError('apis remove needs exactly one IDENTIFIER');
  await withRegistryAdmin(async (s) => {
    const { id } = await s.registry.apiByIdentifier(positionals[0] as string);
    await s.registry.deleteApi(id, null);
  });
  console.log(`removed ${positionals[0] as string}`);
}
