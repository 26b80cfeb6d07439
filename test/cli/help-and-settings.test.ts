import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { editDistance, knownVariables, unknownVariables } from '../../src/config/known-variables.js';
import { USAGE } from '../../src/cli/usage.js';
import { runCli, startServe } from '../helpers/process.js';

/** The command words of every USAGE line: `clients add`, `serve`, `token verify`… */
function subcommands(): string[] {
  return USAGE.split('\n')
    .filter((line) => /^ {2}[a-z]/.test(line))
    .map((line) =>
      line
        .trim()
        .split(/\s+/)
        .filter((w) => /^[a-z-]+$/.test(w))
        .slice(0, 2)
        .join(' '),
    )
    .map((words) =>
      words.startsWith('serve') ||
      words.startsWith('revoke') ||
      words.startsWith('backup') ||
      words.startsWith('restore')
        ? (words.split(' ')[0] as string)
        : words,
    );
}

describe("bulwark <command> --help: that command's usage, exit 0, nothing done", () => {
  let dataDir: string;
  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'bulwark-help-'));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('every subcommand of the usage answers --help (and -h) with its own line', async () => {
    const commands = [...new Set(subcommands())];
    assert.ok(
      commands.includes('clients add') && commands.includes('users reset-mfa') && commands.includes('serve'),
      commands.join(', '),
    );
    // A few processes at a time (each is a whole Node start).
    const runs = commands.map((command, i) => [command, i % 2 === 0 ? '--help' : '-h'] as const);
    for (let i = 0; i < runs.length; i += 4) {
      await Promise.all(
        runs.slice(i, i + 4).map(async ([command, flag]) => {
          const result = await runCli([...command.split(' '), flag], { BULWARK_DATA_DIR: dataDir });
          assert.equal(result.code, 0, `${command} ${flag}: ${result.stderr}`);
          assert.equal(result.stderr, '');
          assert.match(result.stdout, /^Usage: bulwark/);
          assert.ok(
            result.stdout.split('\n').some((line) => line.trim().startsWith(command)),
            `${command} ${flag}:\n${result.stdout}`,
          );
        }),
      );
    }
    // A group's --help lists its commands only; help on a command with its arguments still works.
    const users = await runCli(['users', '--help'], { BULWARK_DATA_DIR: dataDir });
    assert.match(users.stdout, /users add/);
    assert.doesNotMatch(users.stdout, /clients add/);
    const withArgs = await runCli(['clients', 'add', '--name', 'x', '--help'], { BULWARK_DATA_DIR: dataDir });
    assert.equal(withArgs.code, 0);
    assert.match(withArgs.stdout, /clients add --name N/);
    assert.doesNotMatch(withArgs.stdout, /clients list/);
    // Nothing ran: no database was created by any of it.
    assert.deepEqual(readdirSync(dataDir), []);
  });
});

describe('an unknown BULWARK_ variable: one warning naming the closest setting', () => {
  it('every BULWARK_ name in the source is a known setting (the list is what loadConfig reads)', () => {
    const names = new Set<string>();
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith('.ts'))
          for (const match of readFileSync(path, 'utf8').matchAll(/'(BULWARK_[A-Z0-9_]+)'/g))
            names.add(match[1] as string);
      }
    };
    walk(new URL('../../src', import.meta.url).pathname);
    const known = knownVariables();
    assert.ok(names.size > 20);
    names.delete('BULWARK_TEST_'); // the test suite's own prefix, ignored by the warning
    for (const name of names) assert.ok(known.has(name), `${name} is read somewhere but not by loadConfig`);
  });

  it('names the closest known variable by edit distance (swaps count once)', () => {
    assert.equal(editDistance('ACESS', 'ACCESS'), 1);
    assert.equal(editDistance('BULWARK_DEMO', 'BULWARK_DMEO'), 1);
    assert.deepEqual(
      unknownVariables({
        BULWARK_ACESS_TOKEN_TTL: '60',
        BULWARK_SIGNING_ALGO: 'EdDSA',
        BULWARK_ACCESS_TOKEN_TTL: '60',
        BULWARK_TEST_REDIS_URL: 'x',
        HOME: '/',
      }),
      [
        { variable: 'BULWARK_ACESS_TOKEN_TTL', closest: 'BULWARK_ACCESS_TOKEN_TTL' },
        { variable: 'BULWARK_SIGNING_ALGO', closest: 'BULWARK_SIGNING_ALG' },
      ],
    );
  });

  it('bulwark serve logs one warn line per unknown variable at start-up, and still starts', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bulwark-env-warn-'));
    const server = await startServe({
      BULWARK_DATA_DIR: dataDir,
      BULWARK_DEMO: '0',
      BULWARK_ACESS_TOKEN_TTL: '60',
      BULWARK_REDIS_ULR: 'redis://127.0.0.1:1',
      BULWARK_LOG_LEVEL: 'info',
    });
    try {
      const warnings = server
        .output()
        .split('\n')
        .filter((line) => line.includes('is not a Bulwark setting'));
      assert.equal(warnings.length, 2, server.output());
      const parsed = warnings.map(
        (line) => JSON.parse(line) as { level: number; variable: string; closest: string; msg: string },
      );
      assert.deepEqual(
        parsed.map((w) => [w.level, w.variable, w.closest]),
        [
          [40, 'BULWARK_ACESS_TOKEN_TTL', 'BULWARK_ACCESS_TOKEN_TTL'],
          [40, 'BULWARK_REDIS_ULR', 'BULWARK_REDIS_URL'],
        ],
      );
      assert.match(parsed[0]?.msg ?? '', /did you mean BULWARK_ACCESS_TOKEN_TTL\?/);
      assert.ok(!server.output().includes('redis://127.0.0.1:1'), 'the value is never logged');
    } finally {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
    // Other commands say it on stderr, once per variable.
    const listed = await runCli(['keys', 'list'], { BULWARK_DATA_DIR: dataDir, BULWARK_ACESS_TOKEN_TTL: '60' });
    assert.match(
      listed.stderr,
      /^bulwark: warning: BULWARK_ACESS_TOKEN_TTL is not a Bulwark setting and is ignored: did you mean BULWARK_ACCESS_TOKEN_TTL\?\n/,
    );
  });
});

describe("every file setting's failure is one line naming its variable (no raw OpenSSL error)", () => {
  let dir: string;
  let cert: string;
  let key: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'bulwark-files-'));
    cert = join(dir, 'cert.pem');
    key = join(dir, 'key.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    writeFileSync(join(dir, 'garbage.pem'), 'this is not a key\n');
    writeFileSync(
      join(dir, 'other-key.pem'),
      generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }),
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const serve = (env: Record<string, string>) =>
    runCli(['serve'], { BULWARK_DATA_DIR: join(dir, 'data'), BULWARK_DEMO: '0', PORT: '0', ...env });
  const refused = async (env: Record<string, string>, variable: string, reason: RegExp) => {
    const result = await serve(env);
    assert.equal(result.code, 1, result.stdout + result.stderr);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    assert.ok(lines[0]?.startsWith(`bulwark: ${variable}: `), result.stderr);
    assert.match(result.stderr, reason);
    assert.doesNotMatch(result.stderr, /DECODER|error:[0-9A-F]{8}|ERR_OSSL|at .*\.js/);
    assert.ok(!result.stderr.includes('BEGIN'), 'no key material');
  };

  it('TLS: a key file that is no key, the key of another certificate, a certificate file that is no certificate, a directory', async () => {
    await refused(
      { BULWARK_TLS_CERT_FILE: cert, BULWARK_TLS_KEY_FILE: join(dir, 'garbage.pem') },
      'BULWARK_TLS_KEY_FILE',
      /not an unencrypted PEM private key/,
    );
    await refused(
      { BULWARK_TLS_CERT_FILE: cert, BULWARK_TLS_KEY_FILE: join(dir, 'other-key.pem') },
      'BULWARK_TLS_KEY_FILE',
      /not the private key of the certificate in BULWARK_TLS_CERT_FILE/,
    );
    await refused(
      { BULWARK_TLS_CERT_FILE: join(dir, 'garbage.pem'), BULWARK_TLS_KEY_FILE: key },
      'BULWARK_TLS_CERT_FILE',
      /not a PEM certificate/,
    );
    await refused({ BULWARK_TLS_CERT_FILE: cert, BULWARK_TLS_KEY_FILE: dir }, 'BULWARK_TLS_KEY_FILE', /is a directory/);
  });

  it('the signing key file and the token encryption key file', async () => {
    await refused(
      { BULWARK_SIGNING_KEY_FILE: join(dir, 'garbage.pem') },
      'BULWARK_SIGNING_KEY_FILE',
      /neither PEM nor a JSON Web Key/,
    );
    await refused({ BULWARK_SIGNING_KEY_FILE: cert }, 'BULWARK_SIGNING_KEY_FILE', /cannot sign/);
    await refused({ BULWARK_SIGNING_KEY_FILE: dir }, 'BULWARK_SIGNING_KEY_FILE', /is a directory/);
    await refused(
      { BULWARK_TOKEN_ENCRYPTION_KEY_FILE: join(dir, 'garbage.pem') },
      'BULWARK_TOKEN_ENCRYPTION_KEY_FILE',
      /./,
    );
    await refused(
      { BULWARK_TLS_CERT_FILE: join(dir, 'missing.pem'), BULWARK_TLS_KEY_FILE: key },
      'BULWARK_TLS_CERT_FILE',
      /file not found/,
    );
  });
});
