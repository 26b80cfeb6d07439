import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { bearer, createHarness, decodeJwt, ISSUER } from '../helpers/harness.js';

describe('signing algorithms and keys', () => {
  for (const alg of ['ES256', 'EdDSA', 'RS256', 'PS256'] as const) {
    it(`${alg}: login issues a token that jose verifies from the JWKS, and the guard accepts`, async () => {
      const h = await createHarness({ BULWARK_SIGNING_ALG: alg });
      try {
        await h.addUser('alice', 'admin');
        const pair = await h.login('alice', 'alice-Correct-Horse-42');
        assert.equal(decodeJwt(pair.access_token).header.alg, alg);
        const jwks = (await h.app.inject({ url: '/.well-known/jwks.json' })).json();
        assert.equal(jwks.keys[0].alg, alg);
        const { payload } = await jwtVerify(pair.access_token, createLocalJWKSet(jwks), {
          issuer: ISSUER,
          audience: 'payroll',
          currentDate: new Date(h.clock.now()),
        });
        assert.equal(payload.role, 'admin');
        assert.equal(
          (await h.app.inject({ url: '/api/users/me', headers: bearer(pair.access_token) })).statusCode,
          200,
        );
      } finally {
        await h.close();
      }
    });
  }

  it('HS256: the secret comes from config, is never published, and verifies', async () => {
    const secret = randomBytes(32);
    const h = await createHarness({ BULWARK_SIGNING_ALG: 'HS256', BULWARK_HS256_SECRET: secret.toString('base64url') });
    try {
      await h.addUser('alice', 'admin');
      const pair = await h.login('alice', 'alice-Correct-Horse-42');
      assert.deepEqual((await h.app.inject({ url: '/.well-known/jwks.json' })).json(), { keys: [] });
      const { payload } = await jwtVerify(pair.access_token, secret, {
        issuer: ISSUER,
        audience: 'payroll',
        currentDate: new Date(h.clock.now()),
      });
      assert.equal(payload.role, 'admin');
      const rotate = await h.app.inject({
        method: 'POST',
        url: '/api/keys/rotate',
        headers: bearer(pair.access_token),
      });
      assert.equal(rotate.statusCode, 409, 'an HS256 secret from config cannot be rotated by the server');
    } finally {
      await h.close();
    }
  });

  it('imports BULWARK_SIGNING_KEY_FILE (PEM) and signs with it; kid is its RFC 7638 thumbprint', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-key-'));
    const file = join(dir, 'signing-key.pem');
    writeFileSync(file, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
    const h = await createHarness({ BULWARK_SIGNING_KEY_FILE: file });
    try {
      await h.addUser('alice', 'admin');
      const pair = await h.login('alice', 'alice-Correct-Horse-42');
      const { calculateJwkThumbprint, exportJWK } = await import('jose');
      const thumbprint = await calculateJwkThumbprint(await exportJWK(publicKey));
      assert.equal(decodeJwt(pair.access_token).header.kid, thumbprint);
    } finally {
      await h.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stores private keys encrypted: no private member in the database, and another master key cannot open them', async () => {
    const h = await createHarness();
    try {
      const jwkD = JSON.stringify(h.services.keys.signingKey().privateKey.export({ format: 'jwk' }).d);
      const record = (await h.services.store.keys.list())[0];
      assert.ok(record);
      assert.match(record.privateKeyEncrypted, /^v1\./);
      assert.ok(!record.privateKeyEncrypted.includes(jwkD.slice(1, -1)));
      const database = readFileSync(join(h.dataDir, 'bulwark.db'));
      assert.ok(
        !database.includes(Buffer.from(jwkD.slice(1, -1))),
        'the private scalar appears nowhere in the database file',
      );
      assert.equal(readFileSync(join(h.dataDir, 'master.key'), 'utf8').trim().length, 43);
      const { KeyManager } = await import('../../src/auth/keys/key-manager.js');
      const other = new KeyManager(h.services.store.keys, () => randomBytes(32), h.config);
      await assert.rejects(other.reload(), /does not open with this master key/);
    } finally {
      await h.close();
    }
  });
});
