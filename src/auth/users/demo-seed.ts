import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROLES, type Role } from '../../store/types.js';
import type { AuthServices } from '../services.js';

export const DEMO_CREDENTIALS_FILE = 'demo-credentials.txt';

export interface DemoUser {
  username: string;
  role: Role;
  password: string;
  employeeId: string | null;
}

export interface DemoSeedOptions {
  /**
   * Runs first, only when the users are about to be seeded: seeds the demo company's records
   * (payroll) and returns the employee id each demo username is linked to (carol's record).
   * It must be safe to run again: a start that crashes before the users exist runs it again.
   */
  linkEmployees?: () => Promise<Partial<Record<string, string>>>;
}

/**
 * First start on an empty database (development only): the seed article's three people with
 * random passwords, written to <data dir>/demo-credentials.txt (0600) before the users exist,
 * so a crash half-way leaves an empty database that is seeded again on the next start. Carol is
 * linked to the employee record `linkEmployees` returns for her (run before the file is written).
 */
export async function seedDemoUsers(
  services: AuthServices,
  options: DemoSeedOptions = {},
): Promise<DemoUser[] | undefined> {
  if ((await services.store.users.count()) > 0) return undefined;
  const links = (await options.linkEmployees?.()) ?? {};
  const users: DemoUser[] = (['alice', 'bob', 'carol'] as const).map((username, i) => ({
    username,
    role: ROLES[i] as Role,
    password: `${username}-${randomBytes(9).toString('base64url')}`,
    employeeId: links[username] ?? null,
  }));
  const dir = services.config.dataDir;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, DEMO_CREDENTIALS_FILE);
  const lines = users.map((u) => `${u.username.padEnd(8)}${u.role.padEnd(10)}${u.password}`);
  writeFileSync(path, `# Bulwark demo users (development only): username role password\n${lines.join('\n')}\n`, {
    mode: 0o600,
  });
  chmodSync(path, 0o600);
  for (const user of users) await services.users.create(user, null);
  return users;
}
