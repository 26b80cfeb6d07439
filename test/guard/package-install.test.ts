// test-runner: serial (bounds a logout's latency at a service built from the packed guard)
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { keys, NOW_MS, token } from '../../packages/guard/test/helpers.js';
import { login, startTokenService, type TokenService } from '../examples/helpers.js';

const run = promisify(execFile);
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
/** The client's types come from @bulwark/contract, so it is packed and installed beside them. */
const PACKAGES = ['guard', 'contract', 'client'] as const;
/**
 * The README blocks marked ```ts title="…"```, each compiled in a project of its own that has only
 * what that service needs besides the installed packages (linked from the repo's node_modules, so
 * nothing is downloaded): a service on one framework must compile without the others' types.
 */
const SERVICES: Record<string, { snippets: string[]; links: string[]; lib: string[] }> = {
  node: { snippets: ['verifier.ts', 'manual-verifier.ts', 'node-http.ts'], links: [], lib: ['ES2023'] },
  fastify: { snippets: ['fastify.ts'], links: ['fastify'], lib: ['ES2023'] },
  express: {
    snippets: ['express.ts'],
    links: ['express', '@types/express', '@types/express-serve-static-core'],
    lib: ['ES2023'],
  },
  hono: { snippets: ['hono.ts'], links: ['hono'], lib: ['ES2023'] },
  client: { snippets: ['client-node.ts'], links: [], lib: ['ES2023', 'DOM'] },
};
const BLOCK = /^```ts title="([^"]+)"\n([\s\S]*?)^```$/gm;

/** What a service team does: plain JavaScript against the installed @bulwark/guard. */
const SCRIPT = `
import { createVerifier, LocalKeySource, verificationKeyFromJwk } from '@bulwark/guard';
import { createHonoMiddleware } from '@bulwark/guard/hono';
const verifier = createVerifier({
  issuer: process.env.GUARD_ISSUER,
  audience: 'payroll',
  algorithms: ['ES256'],
  keys: new LocalKeySource([verificationKeyFromJwk(JSON.parse(process.env.GUARD_JWK), 'ES256')]),
  now: () => Number(process.env.GUARD_NOW_MS),
});
console.log(verifier.verify(process.env.GUARD_TOKEN).sub, typeof createHonoMiddleware(verifier));
`;

const tsconfig = (lib: string[]) => ({
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib,
    types: ['node'],
    strict: true,
    // The packages' own .d.ts files are checked too: that is what a consumer's tsc reads.
    skipLibCheck: false,
    rootDir: 'src',
    outDir: 'out',
  },
  include: ['src'],
});

interface Packed {
  filename: string;
  files: Array<{ path: string }>;
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

/** The README's marked blocks, by title. */
function snippets(readme: string): Map<string, string> {
  return new Map(
    [...readFileSync(readme, 'utf8').matchAll(BLOCK)].map((match) => [match[1] as string, match[2] as string]),
  );
}

describe('@bulwark/guard, @bulwark/contract and @bulwark/client packed, installed into an empty project', () => {
  let project: string;
  const packed = new Map<string, Packed>();
  const compiled = new Map<string, { code: number; output: string }>();
  const service = (name: string) => join(project, 'services', name);

  before(async () => {
    for (const name of PACKAGES) {
      assert.ok(
        existsSync(join(ROOT, `packages/${name}/dist/index.js`)),
        `packages/${name}/dist is missing: run \`npm run build\` first (npm test does)`,
      );
    }
    project = mkdtempSync(join(tmpdir(), 'bulwark-packages-consumer-'));
    for (const name of PACKAGES) {
      // --ignore-scripts: prepack's clean build would empty dist under tests running beside this one.
      const { stdout } = await run(NPM, ['pack', '--json', '--ignore-scripts', '--pack-destination', project], {
        cwd: join(ROOT, 'packages', name),
        timeout: 60_000,
      });
      packed.set(name, (JSON.parse(stdout) as [Packed])[0]);
    }
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'inventory-service', version: '1.0.0', type: 'module', private: true }),
    );
    const tarballs = PACKAGES.map((name) => join(project, packed.get(name)!.filename));
    await run(NPM, ['install', '--prefer-offline', '--no-audit', '--no-fund', ...tarballs], {
      cwd: project,
      timeout: 180_000,
    });
    const blocks = new Map([
      ...snippets(join(ROOT, 'packages/guard/README.md')),
      ...snippets(join(ROOT, 'packages/client/README.md')),
    ]);
    assert.deepEqual(
      [...blocks.keys()].sort(),
      Object.values(SERVICES)
        .flatMap((s) => s.snippets)
        .sort(),
      'the marked README blocks',
    );
    for (const [name, { snippets: titles, links, lib }] of Object.entries(SERVICES)) {
      const dir = service(name);
      // The installed tree as npm left it, then only this service's framework.
      cpSync(join(project, 'node_modules'), join(dir, 'node_modules'), { recursive: true });
      for (const link of [...links, '@types/node']) {
        mkdirSync(dirname(join(dir, 'node_modules', link)), { recursive: true });
        symlinkSync(join(ROOT, 'node_modules', link), join(dir, 'node_modules', link), 'dir');
      }
      writeFileSync(
        join(dir, 'package.json'),
        JSON.stringify({ name: `${name}-service`, version: '1.0.0', type: 'module', private: true }),
      );
      mkdirSync(join(dir, 'src'));
      for (const title of titles) writeFileSync(join(dir, 'src', title), blocks.get(title) as string);
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig(lib)));
    }
    // The five compilations side by side: each is one tsc process, mostly reading declarations.
    await Promise.all(
      Object.keys(SERVICES).map(async (name) => {
        const result = await run(
          process.execPath,
          [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', service(name)],
          { cwd: service(name), timeout: 180_000 },
        )
          .then(({ stdout }) => ({ code: 0, output: stdout }))
          .catch((error: { code?: number; stdout?: string; stderr?: string }) => ({
            code: error.code ?? 1,
            output: `${error.stdout ?? ''}${error.stderr ?? ''}`,
          }));
        compiled.set(name, result);
      }),
    );
  });
  after(() => {
    if (project !== undefined) rmSync(project, { recursive: true, force: true });
  });

  it('each tarball holds only built code, types, the README and the licence, none of it stale', () => {
    for (const name of PACKAGES) {
      const paths = packed.get(name)!.files.map((file) => file.path);
      for (const path of paths)
        assert.match(path, /^(dist\/.+\.(js|d\.ts)|README\.md|LICENSE|package\.json)$/, `${name}: ${path}`);
      for (const required of ['README.md', 'LICENSE', 'package.json', 'dist/index.js', 'dist/index.d.ts'])
        assert.ok(paths.includes(required), `${name} lacks ${required}`);
      for (const path of paths.filter((p) => p.endsWith('.js'))) {
        assert.ok(
          existsSync(join(ROOT, 'packages', name, path.replace(/^dist\//, 'src/').replace(/\.js$/, '.ts'))),
          `${name}: ${path} has no source (stale build output)`,
        );
      }
      const manifest = JSON.parse(readFileSync(join(ROOT, 'packages', name, 'package.json'), 'utf8')) as Record<
        string,
        unknown
      >;
      assert.equal(manifest.license, 'Apache-2.0');
      assert.deepEqual(manifest.repository, {
        type: 'git',
        url: 'git+https://github.com/bulwark-auth/bulwark.git',
        directory: `packages/${name}`,
      });
      for (const field of ['homepage', 'keywords', 'engines', 'files'])
        assert.ok(manifest[field] !== undefined, `${name} has no ${field}`);
    }
  });

  it('brings in nothing but lru-cache (the guard), typebox (the contract) and @simplewebauthn/browser (the client): no database driver, argon2, Redis client or native module', () => {
    const dependencies = (name: string) =>
      Object.keys(
        (
          JSON.parse(readFileSync(join(project, 'node_modules/@bulwark', name, 'package.json'), 'utf8')) as {
            dependencies?: object;
          }
        ).dependencies ?? {},
      );
    assert.deepEqual(dependencies('guard'), ['lru-cache']);
    assert.deepEqual(dependencies('contract'), ['typebox']);
    assert.deepEqual(dependencies('client').sort(), ['@bulwark/contract', '@simplewebauthn/browser']);
    const installed = readdirSync(join(project, 'node_modules')).filter((name) => !name.startsWith('.'));
    assert.deepEqual(installed.sort(), ['@bulwark', '@simplewebauthn', 'lru-cache', 'typebox']);
    const all = files(join(project, 'node_modules/@bulwark')).concat(files(join(project, 'node_modules/lru-cache')));
    assert.deepEqual(
      all.filter((file) => file.endsWith('.node') || file.endsWith('binding.gyp')),
      [],
    );
  });

  it('verifies a token from plain JavaScript, and builds the Hono middleware without hono imported', async () => {
    const key = keys().ES256;
    writeFileSync(join(project, 'verify.mjs'), SCRIPT);
    const { stdout, stderr } = await run(process.execPath, ['verify.mjs'], {
      cwd: project,
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
    assert.equal(stdout, 'usr_7f3a function\n');
  });

  for (const name of Object.keys(SERVICES)) {
    it(`compiles the README's ${name} code under tsc --strict, declarations included, with no other framework installed`, () => {
      const result = compiled.get(name);
      assert.equal(result?.code, 0, result?.output);
      for (const snippet of SERVICES[name]!.snippets)
        assert.ok(existsSync(join(service(name), 'out', snippet.replace(/\.ts$/, '.js'))), snippet);
    });
  }

  describe("the README's Fastify service and client script against a real Bulwark", () => {
    let bulwark: TokenService;
    let child: ChildProcess | undefined;
    let base = '';
    let output = '';

    before(async () => {
      assert.equal(compiled.get('fastify')?.code, 0, compiled.get('fastify')?.output);
      assert.equal(compiled.get('client')?.code, 0, compiled.get('client')?.output);
      bulwark = await startTokenService();
      const env = {
        PATH: process.env.PATH ?? '',
        PORT: '0',
        BULWARK_ISSUER: bulwark.issuer,
        BULWARK_CLIENT_ID: bulwark.client.client_id,
        BULWARK_CLIENT_SECRET: bulwark.client.client_secret,
      };
      const started = spawn(process.execPath, [join(service('fastify'), 'out/fastify.js')], {
        cwd: service('fastify'),
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = started;
      base = await new Promise<string>((resolveUrl, reject) => {
        const timer = setTimeout(() => reject(new Error(`the Fastify service did not start:\n${output}`)), 20_000);
        const onData = (data: Buffer) => {
          output += data.toString();
          const match = /listening on (http:\/\/[^\s]+)/.exec(output);
          if (match?.[1] === undefined) return;
          clearTimeout(timer);
          resolveUrl(match[1]);
        };
        started.stdout.on('data', onData);
        started.stderr.on('data', onData);
        started.once('exit', (code) => reject(new Error(`the Fastify service exited with ${code}:\n${output}`)));
      });
    });
    after(async () => {
      if (child !== undefined && child.exitCode === null) {
        const exited = new Promise((done) => child!.once('exit', done));
        child.kill('SIGTERM');
        await exited;
      }
      await bulwark?.close();
    });

    const get = async (path: string, authorization?: string) => {
      const res = await fetch(`${base}${path}`, { headers: authorization === undefined ? {} : { authorization } });
      return {
        status: res.status,
        type: res.headers.get('content-type'),
        challenge: res.headers.get('www-authenticate'),
        body: (await res.json()) as Record<string, unknown>,
      };
    };
    const INVALID = {
      type: 'urn:bulwark:problem:invalid_token',
      title: 'Unauthorized',
      status: 401,
      code: 'invalid_token',
      detail: 'The access token is missing, invalid or revoked.',
    };
    const PROBLEM = 'application/problem+json; charset=utf-8';

    it('answers 401 with the RFC 6750 challenge and problem+json by itself, 200 for a valid token, 403 insufficient_scope for a role', async () => {
      assert.deepEqual(await get('/whoami'), {
        status: 401,
        type: PROBLEM,
        challenge: 'Bearer realm="bulwark"',
        body: INVALID,
      });
      const alice = await login(bulwark, 'alice');
      const ok = await get('/whoami', `Bearer ${alice}`);
      assert.equal(ok.status, 200);
      assert.equal(ok.body.role, 'admin');
      // An algorithm the guard does not allow: refused, and the reason stays out of the body.
      const [, payload, signature] = alice.split('.');
      const hs256 = `${Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'at+jwt' })).toString('base64url')}.${payload}.${signature}`;
      assert.deepEqual(await get('/whoami', `Bearer ${hs256}`), {
        status: 401,
        type: PROBLEM,
        challenge: 'Bearer realm="bulwark", error="invalid_token"',
        body: INVALID,
      });
      const bob = await login(bulwark, 'bob');
      assert.deepEqual(await get('/admin', `Bearer ${bob}`), {
        status: 403,
        type: PROBLEM,
        challenge: 'Bearer realm="bulwark", error="insufficient_scope"',
        body: {
          type: 'urn:bulwark:problem:forbidden',
          title: 'Forbidden',
          status: 403,
          code: 'forbidden',
          detail: 'Your role may not do this.',
        },
      });
      assert.ok(!output.includes('BULWARK_NO_REVOCATION'), 'a verifier with the feed does not warn');
    });

    it("refuses a logged-out user's token within a second: createIssuerVerifier opened the revocation feed", async () => {
      const carol = await login(bulwark, 'carol');
      assert.equal((await get('/whoami', `Bearer ${carol}`)).status, 200);
      const logout = await fetch(`${bulwark.server.url}/api/users-sessions/current`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${carol}` },
      });
      assert.equal(logout.status, 204);
      const answered = performance.now();
      let status = 200;
      while (status === 200 && performance.now() - answered < 3_000) {
        status = (await get('/whoami', `Bearer ${carol}`)).status;
        if (status === 200) await new Promise((resolveWait) => setTimeout(resolveWait, 5));
      }
      const took = performance.now() - answered;
      assert.equal(status, 401);
      assert.ok(took < 1_000, `took ${took} ms`);
    });

    it("the client README's Node script signs in, calls the API and signs out", async () => {
      const { stdout } = await run(process.execPath, [join(service('client'), 'out/client-node.js')], {
        cwd: service('client'),
        timeout: 20_000,
        env: {
          PATH: process.env.PATH,
          BULWARK_URL: bulwark.server.url,
          BULWARK_USERNAME: 'bob',
          BULWARK_PASSWORD: bulwark.password('bob'),
        },
      });
      assert.deepEqual(JSON.parse(stdout), { username: 'bob', role: 'clerk' });
    });
  });
});
