import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { keys, NOW_MS, token } from '../../packages/guard/test/helpers.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DIST = join(ROOT, 'dist/exports');
const BUILD_HINT = 'dist/exports is missing or stale: run `npm run build` first (npm test does)';
const GUARD_DIST = join(ROOT, 'packages/guard/dist');

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
    assert.ok(existsSync(join(DIST, 'guard.js')), BUILD_HINT);
    assert.ok(existsSync(join(GUARD_DIST, 'index.d.ts')), BUILD_HINT);
    const types = readFileSync(join(GUARD_DIST, 'index.d.ts'), 'utf8');
    for (const name of ['createVerifier', 'createRemoteJwksSource', 'createAuthMiddleware', 'AuthenticatedRequest']) {
      assert.ok(types.includes(name), `${name} missing from packages/guard/dist/index.d.ts: ${BUILD_HINT}`);
    }
    assert.match(readFileSync(join(DIST, 'guard.d.ts'), 'utf8'), /export \* from '@bulwark\/guard'/);
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      name: string;
      exports: Record<string, { types: string; default: string }>;
    };
    assert.equal(manifest.name, 'bulwark');
    assert.deepEqual(manifest.exports['./guard'], {
      types: './dist/exports/guard.d.ts',
      default: './dist/exports/guard.js',
    });
  });

  it('verifies a token from plain JavaScript through "bulwark/guard"', async () => {
    assert.ok(existsSync(join(DIST, 'guard.js')), BUILD_HINT);
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
    // A verifier without a revocation source says so, once, at start-up (#18.7).
    assert.equal(
      stderr.match(/\[BULWARK_NO_REVOCATION\] Warning: .*logged-out and revoked tokens stay valid until they expire/g)
        ?.length,
      1,
      stderr,
    );
    assert.equal(stdout, 'usr_7f3a true function function\n');
  });

  it('the guard package imports nothing outside itself but node:, lru-cache and (types only) fastify, hono and express', () => {
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
      );
    for (const file of walk(join(ROOT, 'packages/guard/src'))) {
      const text = readFileSync(file, 'utf8');
      for (const [statement, specifier] of text.matchAll(/^(?:import|export)[^;]*?from '([^']+)'/gms)) {
        // Optional peers: only their types, so the guard loads where they are not installed.
        const peer = specifier === 'fastify' || specifier === 'hono' || specifier === 'express-serve-static-core';
        if (peer) assert.match(statement, /^(?:import|export) type /, `${file} imports ${specifier} at runtime`);
        const ok = specifier!.startsWith('node:') || specifier === 'lru-cache' || peer || /^\.\.?\//.test(specifier!);
        assert.ok(ok, `${file} imports ${specifier}`);
        if (specifier!.startsWith('../'))
          assert.ok(
            resolve(dirname(file), specifier!).startsWith(join(ROOT, 'packages/guard/src')),
            `${file} reaches outside the package: ${specifier}`,
          );
      }
    }
  });
});
