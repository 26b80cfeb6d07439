import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { ClientView } from '../auth/clients/view.js';
import { toClientView } from '../auth/clients/view.js';
import { withClientAdmin } from '../compose/cli.js';
import { table } from './context.js';
import { UsageError } from './usage.js';

export async function clientsCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === 'add') return addClient(rest);
  if (sub === 'list') return listClients(rest);
  if (sub === 'disable') return disableClient(rest);
  if (sub === 'rotate-secret') return rotateSecret(rest);
  throw new UsageError(`unknown clients command "${sub ?? ''}" (add, list, disable, rotate-secret)`);
}

async function addClient(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      name: { type: 'string' },
      scope: { type: 'string' },
      audience: { type: 'string', multiple: true },
      introspection: { type: 'boolean' },
      jwks: { type: 'string' },
      'jwks-uri': { type: 'string' },
      json: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.name === undefined) throw new UsageError('clients add needs --name');
  if (values.scope === undefined) throw new UsageError('clients add needs --scope "S" (space separated)');
  const jwks = values.jwks === undefined ? undefined : readJwks(values.jwks);
  const created = await withClientAdmin((s) =>
    s.clients.create(
      {
        name: values.name as string,
        scope: values.scope as string,
        audiences: values.audience,
        introspection: values.introspection,
        jwks,
        jwksUri: values['jwks-uri'],
      },
      null,
    ),
  );
  const view: ClientView & { client_secret?: string } = {
    ...toClientView(created.client),
    ...(created.secret === null ? {} : { client_secret: created.secret }),
  };
  printCreated(view, values.json === true);
}

async function listClients(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' } }, strict: true });
  const clients = await withClientAdmin(async (s) => {
    const all = [];
    let cursor: string | undefined;
    do {
      const page = await s.clients.list({ cursor, limit: 100 });
      all.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    return all.map(toClientView);
  }, 'read');
  if (values.json === true) {
    console.log(JSON.stringify(clients, null, 2));
    return;
  }
  console.log(
    table([
      ['CLIENT_ID', 'NAME', 'AUTH', 'SCOPE', 'AUDIENCES', 'INTROSPECTION', 'DISABLED'],
      ...clients.map((c) => [
        c.client_id,
        c.name,
        c.auth_method,
        c.scope,
        c.audiences.join(','),
        c.introspection ? 'yes' : 'no',
        c.disabled ? 'yes' : 'no',
      ]),
    ]),
  );
}

async function disableClient(args: string[]): Promise<void> {
  const { positionals } = parseArgs({ args, allowPositionals: true, strict: true });
  if (positionals.length !== 1) throw new UsageError('clients disable needs exactly one client_id');
  const client = await withClientAdmin((s) => s.clients.setDisabled(positionals[0] as string, true, null));
  console.log(`disabled ${client.id}; its live access tokens are revoked`);
}

async function rotateSecret(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: { json: { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw new UsageError('clients rotate-secret needs exactly one client_id');
  const rotated = await withClientAdmin((s) => s.clients.rotateSecret(positionals[0] as string, null));
  printCreated({ ...toClientView(rotated.client), client_secret: rotated.secret ?? '' }, values.json === true);
}

/** The secret is printed this once (stdout only, never logged): whoever runs the command stores it. */
function printCreated(view: ClientView & { client_secret?: string }, json: boolean): void {
  if (json) {
    console.log(JSON.stringify(view, null, 2));
    return;
  }
  console.log(`client_id      ${view.client_id}`);
  if (view.client_secret !== undefined)
    console.log(`client_secret  ${view.client_secret}\n(shown once: only its hash is stored)`);
  else console.log(`auth           ${view.auth_method} (no secret: it signs assertions with its keys)`);
}

function readJwks(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch (error) {
    throw new UsageError(`--jwks ${path}: not a readable JSON file (${(error as Error).message.split('\n')[0] ?? ''})`);
  }
}
