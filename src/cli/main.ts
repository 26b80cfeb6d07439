import { ConfigError, unknownVariableMessage, unknownVariables } from '../config/index.js';
import { BulwarkError } from '../errors/index.js';
import { backupCommand, restoreCommand } from './backup.js';
import { apisCommand } from './apis.js';
import { clientsCommand } from './clients.js';
import { asksForHelp, helpFor } from './help.js';
import { keysCommand } from './keys.js';
import { revokeCommand } from './revoke.js';
import { rolesCommand } from './roles.js';
import { serveCommand } from './serve.js';
import { tokenCommand } from './token.js';
import { USAGE, UsageError } from './usage.js';
import { usersCommand } from './users.js';

const commands: Record<string, (args: string[]) => Promise<void>> = {
  serve: serveCommand,
  users: usersCommand,
  clients: clientsCommand,
  apis: apisCommand,
  roles: rolesCommand,
  keys: keysCommand,
  token: tokenCommand,
  revoke: revokeCommand,
  backup: backupCommand,
  restore: restoreCommand,
};

/** Exit 0 on success, 2 on bad usage, 1 on failure; errors go to stderr in one line. */
async function main(argv: string[]): Promise<void> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    console.log(USAGE);
    if (name === undefined) process.exitCode = 2;
    return;
  }
  const command = commands[name];
  if (command === undefined) throw new UsageError(`unknown command "${name}"`);
  if (asksForHelp(args)) {
    console.log(helpFor(argv) ?? USAGE);
    return;
  }
  // `serve` logs these through its logger; every other command says them on stderr.
  if (name !== 'serve')
    for (const unknown of unknownVariables(process.env))
      console.error(`bulwark: warning: ${unknownVariableMessage(unknown)}`);
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
