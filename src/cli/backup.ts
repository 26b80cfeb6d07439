import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/index.js';
import { backupSqlite, restoreSqlite } from '../store/backup.js';
import { databaseLocation } from '../store/open.js';
import { UsageError } from './usage.js';

const POSTGRES =
  'the database is Postgres (BULWARK_DATABASE_URL): back it up with pg_dump and restore with pg_restore (docs/operations.md, "Backup and restore")';

function sqlitePath(command: string): { path: string; dataDir: string } {
  const config = loadConfig();
  const where = databaseLocation(config);
  if (where.kind === 'postgres') throw new Error(POSTGRES);
  if (where.path === ':memory:')
    throw new Error(
      `${command}: the database is in memory (BULWARK_DATABASE_URL=sqlite::memory:): nothing to ${command}`,
    );
  return { path: where.path, dataDir: config.dataDir };
}

function fileArgument(args: string[], command: string): string {
  const { positionals } = parseArgs({ args, allowPositionals: true, strict: true });
  if (positionals.length !== 1) throw new UsageError(`${command} needs exactly one file`);
  return resolve(positionals[0] as string);
}

/** `backup <file>`: an online snapshot of the SQLite data dir (the server may be running and writing). */
export function backupCommand(args: string[]): Promise<void> {
  const file = fileArgument(args, 'backup');
  const { path, dataDir } = sqlitePath('backup');
  const result = backupSqlite(path, dataDir, file);
  console.log(
    `backup of ${path} written to ${result.file}${result.files.length > 0 ? ` with ${result.files.join(', ')}` : ''}`,
  );
  if (!result.files.includes('master.key')) {
    console.log(
      'the master key is not in the data dir (BULWARK_MASTER_KEY): the restored instance needs the same BULWARK_MASTER_KEY',
    );
  }
  return Promise.resolve();
}

/** `restore <file>`: a backup into an empty data dir (BULWARK_DATA_DIR), for a server to start on. */
export function restoreCommand(args: string[]): Promise<void> {
  const file = fileArgument(args, 'restore');
  const { path, dataDir } = sqlitePath('restore');
  const result = restoreSqlite(file, path, dataDir);
  console.log(
    `restored ${file} into ${dataDir}: ${result.file}${result.files.length > 0 ? `, ${result.files.join(', ')}` : ''}; start the server on it (bulwark serve)`,
  );
  return Promise.resolve();
}
