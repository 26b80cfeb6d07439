import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/index.js';

const VARIABLE = 'BULWARK_TOKEN_ENCRYPTION_KEY_FILE';
const dir = mkdtempSync(join(tmpdir(), 'bulwark-enc-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });

describe('BULWARK_TOKEN_ENCRYPTION_KEY_FILE', () => {
  it('unset: tokens are signed only', () => {
    assert.equal(loadConfig({}).tokenEncryption, undefined);
  });

  it('infers the alg from the key: EC P-256 PEM → ECDH-ES+A256KW, RSA JWK → RSA-OAEP-256', () => {
    const fromPem = loadConfig({
      [VARIABLE]: file('ec.pem', ec.privateKey.export({ format: 'pem', type: 'sec1' }).toString()),
    }).tokenEncryption;
    assert.equal(fromPem?.alg, 'ECDH-ES+A256KW');
    const jwk = { ...rsa.privateKey.export({ format: 'jwk' }), use: 'enc', kid: 'enc-1' };
    const fromJwk = loadConfig({ [VARIABLE]: file('rsa.jwk', JSON.stringify(jwk)) }).tokenEncryption;
    assert.equal(fromJwk?.alg, 'RSA-OAEP-256');
    assert.ok(fromJwk?.kids.has('enc-1'));
  });

  it('refuses bad files with one line naming the variable, never the key', () => {
    const ecPem = ec.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const cases: Array<[string, RegExp]> = [
      [join(dir, 'missing.pem'), /file not found/],
      [file('public.pem', ec.publicKey.export({ format: 'pem', type: 'spki' }).toString()), /private key/],
      [
        file(
          'p384.pem',
          generateKeyPairSync('ec', { namedCurve: 'P-384' })
            .privateKey.export({ format: 'pem', type: 'pkcs8' })
            .toString(),
        ),
        /P-256/,
      ],
      [
        file(
          'small.pem',
          generateKeyPairSync('rsa', { modulusLength: 1024 })
            .privateKey.export({ format: 'pem', type: 'pkcs8' })
            .toString(),
        ),
        /at least 2048 bits/,
      ],
      [
        file('ed.pem', generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()),
        /EC P-256 or RSA/,
      ],
      [
        file('sig.jwk', JSON.stringify({ ...ec.privateKey.export({ format: 'jwk' }), use: 'sig' })),
        /not for encryption/,
      ],
      [file('jwks.json', JSON.stringify({ keys: [ec.privateKey.export({ format: 'jwk' })] })), /not a JWKS/],
      [file('garbage.json', '{"kty": '), /neither a PEM private key nor a JSON JWK/],
      [file('broken.pem', `${ecPem.slice(0, 60)}\n-----END PRIVATE KEY-----\n`), /unreadable private key PEM/],
    ];
    for (const [path, reason] of cases) {
      assert.throws(
        () => loadConfig({ [VARIABLE]: path }),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError, String(error));
          assert.equal(error.variable, VARIABLE);
          assert.match(error.message, reason);
          assert.equal(error.message.split('\n').length, 1);
          assert.ok(!error.message.includes(ecPem.split('\n')[1] as string), 'key material in the message');
          return true;
        },
        path,
      );
    }
  });
});
