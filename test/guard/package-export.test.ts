import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { keys, NOW_MS, token } from './helpers.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DIST = join(ROOT, 'dist/guard');
const BUILD_HINT = 'dist/guard is missing or stale: run `npm run build` first (npm test does)';

/** Plain JavaScript, as a third-party service would write it, against the published entry point. */
const SCRIPT = `
import { createVerifier, LocalKeySource, verificationKeyFromJwk, createRemoteJwksSource, createAuthMiddleware } from 'bulwark/guard';
const jwk = JSON.parse(process.env.GUARD_JWK);
const verifier = createVerifier({
  issuer: process.env.GUARD_ISSUER,
  audience: 'payroll',
  algorithms: ['ES256'],
  keys: new LocalKeySource([verificationKeyFromJwk(jwk, 'ES256')]),
  now: () => Number(process.env.GUARD_NOW_MS),
});
const claims = verifier.verify(process.env.GUARD_TOKEN);
const again = await verifier.verifyAsync(process.env.GUARD_TOKEN);
console.log(claims.sub, again.sub === claims.sub, typeof createRemoteJwksSource, typeof createAuthMiddleware);
`;

describe('the bulwark/guard package export', () => {
  it('is built, typed and current', () => {
    assert.ok(existsSync(join(DIST, 'index.js')), BUILD_HINT);
    assert.ok(existsSync(join(DIST, 'index.d.ts')), BUILD_HINT);
    const types = readFileSync(join(DIST, 'index.d.ts'), 'utf8');
    for (const name of ['createVerifier', 'createRemoteJwksSource', 'createAuthMiddleware', 'AuthenticatedRequest']) {
      assert.ok(types.includes(name), `${name} missing from dist/guard/index.d.ts: ${BUILD_HINT}`);
    }
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; exports: Record<string, { types: string; default: string }> };
    assert.equal(manifest.name, 'bulwark');
    assert.deepEqual(manifest.exports['./guard'], { types: './dist/guard/index.d.ts', default: './dist/guard/index.js' });
  });

  it('verifies a token from plain JavaScript through "bulwark/guard"', async () => {
    assert.ok(existsSync(join(DIST, 'index.js')), BUILD_HINT);
    const key = keys().ES256;
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', SCRIPT], {
      cwd: ROOT,
      timeout: 20_000,
      env: {
        PATH: process.env.PATH,
        GUARD_JWK: JSON.stringify(key.publicJwk),
        GUARD_TOKEN: token(key),
        GUARD_ISSUER: 'https://auth.bulwark.test',
        GUARD_NOW_MS: String(NOW_MS),
      },
    });
    assert.equal(stderr, '');
    assert.equal(stdout, 'usr_7f3a true function function\n');
  });

  it('the guard depends on nothing of the app (http, auth, store, payroll, cli)', () => {
    const guardSrc = join(ROOT, 'src/guard');
    for (const file of readdirSync(guardSrc)) {
      const text = readFileSync(join(guardSrc, file), 'utf8');
      assert.doesNotMatch(text, /from '\.\.\/(http|auth|store|payroll|cli|server|config)\//, file);
    }
  });
});
