import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConflictError } from '../../../src/errors/index.js';
import type { ClientRecord } from '../../../src/store/types.js';
import { assertRejectsBadCursors, collectPages } from './pages.js';
import { HOUR, T0, freshStore, uid } from './fixtures.js';
import type { OpenStore } from './fixtures.js';

export function makeClient(overrides: Partial<ClientRecord> = {}): ClientRecord {
  return {
    id: overrides.id ?? uid('cl'),
    name: 'reporting job',
    authMethod: 'client_secret',
    secretHash: 'c2hhLTI1Ni1vZi10aGUtc2VjcmV0LWJhc2U2NHVybC1fXw',
    jwks: null,
    jwksUri: null,
    scopes: ['payroll:read'],
    audiences: ['payroll'],
    introspection: false,
    disabled: false,
    createdAt: T0,
    updatedAt: T0,
    secretIssuedAt: T0,
    ...overrides,
  };
}

export function clientsSuite(open: OpenStore): void {
  describe('oauth clients', () => {
    const store = freshStore(open);

    it('creates and finds a secret client and a key client, with exact types', async () => {
      const secret = makeClient({
        scopes: ['payroll:read', 'inventory:read'],
        audiences: ['payroll', 'https://inventory.example'],
        introspection: true,
      });
      const keyed = makeClient({
        authMethod: 'private_key_jwt',
        secretHash: null,
        jwks: JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'k1', alg: 'ES256' }] }),
        scopes: [],
        disabled: true,
        createdAt: T0 + 1,
      });
      const remote = makeClient({
        authMethod: 'private_key_jwt',
        secretHash: null,
        jwksUri: 'https://keys.example/jwks.json',
        createdAt: T0 + 2,
      });
      for (const client of [secret, keyed, remote]) await store().clients.create(client);
      assert.deepEqual(await store().clients.findById(secret.id), secret);
      assert.deepEqual(await store().clients.findById(keyed.id), keyed);
      assert.deepEqual(await store().clients.findById(remote.id), remote);
      const found = await store().clients.findById(secret.id);
      assert.equal(typeof found?.createdAt, 'number');
      assert.equal(found?.introspection, true);
      assert.equal(await store().clients.findById('nope'), undefined);
    });

    it('rejects a duplicate id with ConflictError and keeps the first', async () => {
      const first = makeClient();
      await store().clients.create(first);
      await assert.rejects(
        store().clients.create(makeClient({ id: first.id, name: 'other' })),
        (error: unknown) => error instanceof ConflictError,
      );
      assert.deepEqual(await store().clients.findById(first.id), first);
    });

    it('updates only the patched fields and returns the record; unknown id: undefined', async () => {
      const client = makeClient();
      await store().clients.create(client);
      const disabled = await store().clients.update(client.id, { disabled: true, updatedAt: T0 + 1 });
      assert.deepEqual(disabled, { ...client, disabled: true, updatedAt: T0 + 1 });
      const rotated = await store().clients.update(client.id, {
        secretHash: 'bmV3LWhhc2g',
        secretIssuedAt: T0 + HOUR,
        disabled: false,
        updatedAt: T0 + HOUR,
      });
      const expected = { ...client, secretHash: 'bmV3LWhhc2g', secretIssuedAt: T0 + HOUR, updatedAt: T0 + HOUR };
      assert.deepEqual(rotated, expected);
      assert.deepEqual(await store().clients.findById(client.id), expected);
      assert.equal(await store().clients.update('nope', { disabled: true, updatedAt: T0 }), undefined);
    });
  });

  describe('oauth clients list', () => {
    const store = freshStore(open);
    const clients = [2, 0, 1, 1, 3].map((minute, i) =>
      makeClient({ id: `client-${i}`, createdAt: T0 + minute * 60_000 }),
    );
    const sorted = [...clients].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));

    it('pages by createdAt then id, every client once', async () => {
      for (const client of clients) await store().clients.create(client);
      const pages = await collectPages((page) => store().clients.list(page), 2);
      assert.deepEqual(pages.flat(), sorted);
      assert.deepEqual(
        pages.map((p) => p.length),
        [2, 2, 1],
      );
    });

    it('refuses a cursor it did not issue with a 400', async () => {
      await assertRejectsBadCursors((page) => store().clients.list(page));
    });
  });
}
