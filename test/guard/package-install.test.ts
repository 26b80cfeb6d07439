import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { keys, NOW_MS, token } from '../../packages/guard/test/helpers.js';

const run = promisify(execFile);
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** What a service team does: install the packed @bulwark/guard into an empty project and verify a token. */
const SCRIPT = `
import { createHonoMiddleware, createVerifier, LocalKeySource, verificationKeyFromJwk } from '@bulwark/guard';
const verifier = createVerifier({
  issuer: process.env.GUARD_ISSUER,
  audience: 'payroll',
  algorithms: ['ES256'],
  keys: new LocalKeySource([verificationKeyFromJwk(JSON.parse(process.env.GUARD_JWK), 'ES256')]),
  now: () => Number(process.env.GUARD_NOW_MS),
});
console.log(verifier.verify(process.env.GUARD_TOKEN).sub, typeof createHonoMiddleware(verifier));
`;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)]));
}

describe('@bulwark/guard installed alone', () => {
  let project: string;
  before(async () => {
    assert.ok(existsSync(join(ROOT, 'packages/guard/dist/index.js')), 'packages/guard/dist is missing: run `npm run build` first (npm test does)');
    project = mkdtempSync(join(tmpdir(), 'bulwark-guard-consumer-'));
    const { stdout } = await run(NPM, ['pack', '--json', '--pack-destination', project], { cwd: join(ROOT, 'packages/guard'), timeout: 60_000 });
    const [{ filename }] = JSON.parse(stdout) as [{ filename: string }];
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'payments-service', version: '1.0.0', type: 'module', private: true }));
    await run(NPM, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts=false', join(project, filename as string)], { cwd: project, timeout: 120_000 });
  });
  after(() => rmSync(project, { recursive: true, force: true }));

  it('brings in nothing but lru-cache: no database driver, argon2, Redis client, query builder or native module', async () => {
    const installed = readdirSync(join(project, 'node_modules')).filter((name) => !name.startsWith('.'));
    assert.deepEqual(installed.sort(), ['@bulwark', 'lru-cache']);
    const all = files(join(project, 'node_modules'));
    assert.deepEqual(all.filter((file) => file.endsWith('.node') || file.endsWith('binding.gyp')), []);
  });

  it('verifies a token from plain JavaScript, and builds the Hono middleware without hono installed', async () => {
    const key = keys().ES256;
    writeFileSync(join(project, 'verify.mjs'), SCRIPT);
    const { stdout, stderr } = await run(process.execPath, ['verify.mjs'], {
      cwd: project,
      timeout: 20_000,
      env: { PATH: process.env.PATH, GUARD_JWK: JSON.stringify(key.publicJwk), GUARD_TOKEN: token(key), GUARD_ISSUER: 'https://auth.bulwark.test', GUARD_NOW_MS: String(NOW_MS) },
    });
    // A verifier without a revocation source says so, once, at start-up (#18.7).
    assert.equal(stderr.match(/\[BULWARK_NO_REVOCATION\] Warning: .*logged-out and revoked tokens stay valid until they expire/g)?.length, 1, stderr);
    assert.equal(stdout, 'usr_7f3a function\n');
  });
});
