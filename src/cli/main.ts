import { ConfigError, unknownVariableMessage, unknownVariables } from '../config/index.js';
import { BulwarkError } from '../errors/index.js';
import { asksForHelp, helpFor } from './help.js';
import { USAGE, UsageError } from './usage.js';

type Command = (args: string[]) => Promise<void>;

/**
 * Each command's module is loaded only when it runs: `serve` alone pulls in the whole server, and
 * `bulwark <command> --help`, `bulwark help` and a mistyped command need none of them.
 */
const commands: Record<string, () => Promise<Command>> = {
  serve: async () => (await import('./serve.js')).serveCommand,
  users: async () => (await import('./users.js')).usersCommand,
  clients: async () => (await import('./clients.js')).clientsCommand,
  apis: async () => (await import('./apis.js')).apisCommand,
  roles: async () => (await import('./roles.js')).rolesCommand,
  keys: async () => (await import('./keys.js')).keysCommand,
  token: async () => (await import('./token.js')).tokenCommand,
  revoke: async () => (await import('./revoke.js')).revokeCommand,
  backup: async () => (await import('./backup.js')).backupCommand,
  restore: async () => (await import('./backup.js')).restoreCommand,
};

/** Exit 0 on success, 2 on bad usage, 1 on failure; errors go to stderr in one line. */
async function main(argv: string[]): Promise<void> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    console.log(USAGE);
    if (name === undefined) process.exitCode = 2;
    return;
  }
  const load = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (load === undefined) throw new UsageError(`unknown command "${name}"`);
  if (asksForHelp(args)) {
    console.log(helpFor(argv) ?? USAGE);
    return;
  }
  // `serve` logs these through its logger; every other command says them on stderr.
  if (name !== 'serve')
    for (const unknown of unknownVariables(process.env))
      console.error(`bulwark: warning: ${unknownVariableMessage(unknown)}`);
  const command = await load();
  await command(args);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const usage = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
  const message =
    error instanceof BulwarkError
      ? (error.detail ?? error.message)
      : error instanceof ConfigError
        ? error.message
        : (error as Error).message;
  console.error(`bulwark: ${String(message).split('\n')[0]}${usage ? ' (run `bulwark help` for usage)' : ''}`);
  process.exit(usage ? 2 : 1);
});
