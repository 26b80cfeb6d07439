import type { Kysely, Updateable } from 'kysely';
import { ConflictError } from '../../errors/index.js';
import type { Database, OAuthClientsTable } from '../schema.js';
import type { ClientPatch, ClientRecord, ClientsStore, Page, PageRequest } from '../types.js';
import { CompiledRead } from './compiled.js';
import { readThrough, unchangedCache } from './unchanged-cache.js';
import { afterCursor, toPage } from './cursor.js';
import { isUniqueViolation, ms } from './values.js';

function toRecord(row: OAuthClientsTable): ClientRecord {
  return Object.freeze({
    id: row.id,
    name: row.name,
    authMethod: row.auth_method,
    secretHash: row.secret_hash,
    jwks: row.jwks,
    jwksUri: row.jwks_uri,
    scopes: Object.freeze(row.scopes === '' ? [] : row.scopes.split(' ')) as string[],
    audiences: Object.freeze(JSON.parse(row.audiences) as string[]) as string[],
    introspection: Number(row.introspection) !== 0,
    disabled: Number(row.disabled) !== 0,
    createdAt: ms(row.created_at),
    updatedAt: ms(row.updated_at),
    secretIssuedAt: ms(row.secret_issued_at),
  });
}

function toRow(client: ClientRecord): OAuthClientsTable {
  return {
    id: client.id,
    name: client.name,
    auth_method: client.authMethod,
    secret_hash: client.secretHash,
    jwks: client.jwks,
    jwks_uri: client.jwksUri,
    scopes: client.scopes.join(' '),
    audiences: JSON.stringify(client.audiences),
    introspection: client.introspection ? 1 : 0,
    disabled: client.disabled ? 1 : 0,
    created_at: client.createdAt,
    updated_at: client.updatedAt,
    secret_issued_at: client.secretIssuedAt,
  };
}

function toUpdate(patch: ClientPatch): Updateable<OAuthClientsTable> {
  const set: Updateable<OAuthClientsTable> = { updated_at: patch.updatedAt };
  if (patch.disabled !== undefined) set.disabled = patch.disabled ? 1 : 0;
  if (patch.secretHash !== undefined) set.secret_hash = patch.secretHash;
  if (patch.secretIssuedAt !== undefined) set.secret_issued_at = patch.secretIssuedAt;
  return set;
}

const BY_ID = new CompiledRead<Database, OAuthClientsTable>((db, p) =>
  db.selectFrom('oauth_clients').selectAll().where('id', '=', p<string>(0)),
);

export function sqlClients(db: Kysely<Database>): ClientsStore {
  // Every client authentication reads its client: on SQLite kept while unchanged (the records are
  // frozen, so a kept one is never altered by a caller).
  const cache = unchangedCache<ClientRecord>(db, ['oauth_clients']);
  const byId = async (id: string): Promise<ClientRecord | undefined> => {
    // Compiled once (src/store/sql/compiled.ts).
    const row = await BY_ID.first(db, [id]);
    return row === undefined ? undefined : toRecord(row);
  };
  return {
    async create(client: ClientRecord): Promise<void> {
      try {
        await db.insertInto('oauth_clients').values(toRow(client)).execute();
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        throw new ConflictError('client id taken', { detail: 'A client with this id already exists.', cause: error });
      }
    },

    findById(id: string): Promise<ClientRecord | undefined> {
      return readThrough(cache, id, () => byId(id));
    },

    async list(page: PageRequest): Promise<Page<ClientRecord>> {
      let query = db.selectFrom('oauth_clients').selectAll();
      if (page.cursor !== undefined) query = query.where(afterCursor(page.cursor, 'created_at', 'asc'));
      const rows = await query
        .orderBy('created_at', 'asc')
        .orderBy('id', 'asc')
        .limit(page.limit + 1)
        .execute();
      return toPage(rows.map(toRecord), page.limit, (c) => [c.createdAt, c.id]);
    },

    async update(id: string, patch: ClientPatch): Promise<ClientRecord | undefined> {
      const row = await db
        .updateTable('oauth_clients')
        .set(toUpdate(patch))
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row === undefined ? undefined : toRecord(row);
    },
  };
}
