import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createAuthServices } from '../../src/auth/services.js';
import { loadConfig } from '../../src/config/index.js';
import { payrollMigrations } from '../../src/payroll/index.js';
import { openStore } from '../../src/store/index.js';
import { runCli } from '../helpers/process.js';

describe('bulwark token verify', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let token: string;
  let jwksFile: string;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'bulwark-verify-'));
    env = { BULWARK_DATA_DIR: dataDir, BULWARK_DEMO: '0' };
    const config = loadConfig(env);
    const store = await openStore({ dataDir, migrations: payrollMigrations });
    try {
      const services = await createAuthServices(config, store);
      await services.users.create({ username: 'vera', password: 'vera has a long passphrase', role: 'clerk' }, null);
      token = (await services.sessions.login('vera', 'vera has a long passphrase', { ip: null, userAgent: null }))
        .accessToken;
      jwksFile = join(dataDir, 'jwks.json');
      writeFileSync(jwksFile, JSON.stringify(services.keys.jwks()));
    } finally {
      await store.close();
    }
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('accepts a good token with the local keys, showing header and claims', async () => {
    const result = await runCli(['token', 'verify', token], env);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /"typ": "at\+jwt"/);
    assert.match(result.stdout, /"role": "clerk"/);
    assert.match(result.stdout, /exp: \d{4}-\d\d-\d\dT.* \(in \d+ s\)/);
    assert.match(result.stdout, /VALID: every check passed/);
    assert.doesNotMatch(result.stdout, /NOT VERIFIED/);
  });

  it('accepts it with a JWKS file (and says revocation was not checked)', async () => {
    const result = await runCli(['token', 'verify', token, '--jwks', jwksFile], env);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /revocation not checked/);
    assert.match(result.stdout, /VALID/);
  });

  it('names the first failed check and exits 1', async () => {
    const [h, p, s] = token.split('.') as [string, string, string];
    const flipped = `${h}.${p}.${s.startsWith('A') ? 'B' : 'A'}${s.slice(1)}`;
    const bad = await runCli(['token', 'verify', flipped], env);
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /INVALID: first failed check: signature \(signature_invalid\)/);
    const wrongAudience = await runCli(['token', 'verify', token, '--audience', 'billing'], env);
    assert.equal(wrongAudience.code, 1);
    assert.match(wrongAudience.stdout, /\(aud_mismatch\)/);
    const wrongIssuer = await runCli(
      ['token', 'verify', token, '--jwks', jwksFile, '--issuer', 'https://other.example'],
      env,
    );
    assert.match(wrongIssuer.stdout, /\(iss_mismatch\)/);
  });

  it('reports a revoked token as revoked after bulwark revoke', async () => {
    const revoked = await runCli(['revoke', '--user', 'vera'], env);
    assert.equal(revoked.code, 0, revoked.stderr);
    const result = await runCli(['token', 'verify', token], env);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /\(revoked\)/);
  });

  it('needs exactly one token (exit 2)', async () => {
    assert.equal((await runCli(['token', 'verify'], env)).code, 2);
  });
});
