import {
  chmodSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { openSqliteDatabase } from './sqlite-driver.js';

/**
 * The backup format (version 1): one SQLite database file. It is the store's online snapshot
 * (`VACUUM INTO`: one read transaction, so every commit before it began is in, none after, and
 * writers carry on meanwhile), plus two tables of its own, dropped again by a restore:
 * - `bulwark_backup` (one row): `format` (1), `created_at` (ISO 8601), `database` (the snapshot's
 *   file name in the data dir);
 * - `bulwark_backup_files`: `name`, `mode`, `content` (BLOB): every other regular file of the data
 *   dir (the development master key `master.key` that seals the signing keys, the demo
 *   credentials, anything an operator keeps there), not the database's own -wal/-shm files.
 * Being SQLite, a backup can be inspected with any SQLite client.
 */
export const BACKUP_FORMAT = 1;

/** The largest data-dir file a backup carries (key files and notes, not other databases). */
const MAX_FILE_BYTES = 16 * 1024 * 1024;

/** A backup or restore refused as asked (exit 1, one line). */
export class BackupError extends Error {}

export interface BackupResult {
  file: string;
  /** Data-dir files carried beside the snapshot. */
  files: string[];
}

/** Takes a consistent online snapshot of the SQLite database at `databasePath`, with the data dir's other files, into `file` (which must not exist). */
export function backupSqlite(databasePath: string, dataDir: string, file: string): BackupResult {
  if (existsSync(file)) throw new BackupError(`${file} exists already: name a new file`);
  if (!existsSync(databasePath)) throw new BackupError(`no database at ${databasePath}`);
  mkdirSync(dirname(file), { recursive: true });
  const partial = join(dirname(file), `.${basename(file)}.partial-${process.pid}`);
  rmSync(partial, { force: true });
  try {
    const source = openSqliteDatabase(databasePath);
    try {
      source.exec('PRAGMA busy_timeout = 5000');
      source.prepare('VACUUM INTO ?').run([partial]);
    } finally {
      source.close();
    }
    const files = dataDirFiles(dataDir, databasePath, file);
    const backup = openSqliteDatabase(partial);
    try {
      backup.exec(
        'CREATE TABLE bulwark_backup (format INTEGER NOT NULL, created_at TEXT NOT NULL, database TEXT NOT NULL)',
      );
      backup.exec(
        'CREATE TABLE bulwark_backup_files (name TEXT PRIMARY KEY, mode INTEGER NOT NULL, content BLOB NOT NULL)',
      );
      backup
        .prepare('INSERT INTO bulwark_backup (format, created_at, database) VALUES (?, ?, ?)')
        .run([BACKUP_FORMAT, new Date().toISOString(), basename(databasePath)]);
      const insert = backup.prepare('INSERT INTO bulwark_backup_files (name, mode, content) VALUES (?, ?, ?)');
      for (const name of files) {
        const path = join(dataDir, name);
        insert.run([name, statSync(path).mode & 0o777, readFileSync(path)]);
      }
    } finally {
      backup.close();
    }
    chmodSync(partial, 0o600);
    renameSync(partial, file);
    return { file, files };
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
}

/**
 * Restores a backup into an empty (or missing) data dir: the database at `databasePath` and the
 * carried files beside it. Refuses a data dir with anything in it, and a file that is no backup.
 */
export function restoreSqlite(file: string, databasePath: string, dataDir: string): BackupResult {
  if (!existsSync(file)) throw new BackupError(`no backup at ${file}`);
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0)
    throw new BackupError(`the data dir ${dataDir} is not empty: restore into an empty one`);
  if (existsSync(databasePath))
    throw new BackupError(`a database exists at ${databasePath} already: restore into an empty data dir`);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  mkdirSync(dirname(databasePath), { recursive: true, mode: 0o700 });
  const partial = join(dirname(databasePath), `.${basename(databasePath)}.restoring-${process.pid}`);
  try {
    copyFileSync(file, partial);
    chmodSync(partial, 0o600);
    const restored = openSqliteDatabase(partial);
    let files: { name: string; mode: number; content: Uint8Array }[];
    try {
      files = readBackup(restored, file);
      restored.exec('DROP TABLE bulwark_backup_files');
      restored.exec('DROP TABLE bulwark_backup');
      restored.exec('VACUUM');
    } finally {
      restored.close();
    }
    for (const { name, mode, content } of files) {
      if (name !== basename(name) || name.startsWith('.'))
        throw new BackupError(`${file}: a carried file has an unsafe name`);
      writeFileSync(join(dataDir, name), content, { mode: mode & 0o777, flag: 'wx' });
    }
    renameSync(partial, databasePath);
    return { file: databasePath, files: files.map((f) => f.name) };
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
}

function readBackup(
  database: ReturnType<typeof openSqliteDatabase>,
  file: string,
): { name: string; mode: number; content: Uint8Array }[] {
  let meta: { format: number }[];
  try {
    meta = database.prepare('SELECT format FROM bulwark_backup').all([]) as { format: number }[];
  } catch {
    throw new BackupError(`${file} is not a Bulwark backup (no bulwark_backup table)`);
  }
  if (meta.length !== 1 || Number(meta[0]?.format) !== BACKUP_FORMAT)
    throw new BackupError(`${file}: unknown backup format (this version reads format ${BACKUP_FORMAT})`);
  const check = database.prepare('PRAGMA integrity_check').all([]) as Record<string, unknown>[];
  if (check.length !== 1 || Object.values(check[0] ?? {})[0] !== 'ok')
    throw new BackupError(`${file} fails SQLite's integrity check`);
  return (
    database.prepare('SELECT name, mode, content FROM bulwark_backup_files ORDER BY name').all([]) as {
      name: string;
      mode: number;
      content: Uint8Array;
    }[]
  ).map((row) => ({ name: row.name, mode: Number(row.mode), content: row.content }));
}

/** The data dir's regular files a backup carries: not the database and its companions, not the backup itself, nothing hidden or huge. */
function dataDirFiles(dataDir: string, databasePath: string, file: string): string[] {
  if (!existsSync(dataDir)) return [];
  const database = basename(databasePath);
  return readdirSync(dataDir)
    .filter((name) => {
      if (name.startsWith('.') || name === database || name.startsWith(`${database}-`) || join(dataDir, name) === file)
        return false;
      const stat = lstatSync(join(dataDir, name));
      return stat.isFile() && stat.size <= MAX_FILE_BYTES;
    })
    .sort();
}
