export type * from './types.js';
export { ROLES } from './types.js';
export type { Database } from './schema.js';
export { openStore, openMemoryStore, SQLITE_FILE } from './open.js';
export type { OpenStoreOptions } from './open.js';
export type { SqlStore } from './sql/store.js';
export { coreMigrations } from './migrations/index.js';
export type { MigrationMap } from './migrations/index.js';
