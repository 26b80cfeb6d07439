import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { OAUTH_ERRORS, PROBLEMS, RETIRED_OAUTH_ERRORS, RETIRED_PROBLEM_CODES } from '@bulwark/contract/registry';

/** The registries (@bulwark/contract/registry): the one place a code string is written. */
const REGISTRY = 'packages/contract/src/registry/';

/**
 * Files that may write a registered code as a string, and why:
 * - the guard is a self-contained package (no dependency on the contract): its error classes and
 *   challenges write their codes, and the first test below holds each equal to the registry's;
 * - the SDK has no runtime dependency: codes.ts names the codes it acts on once, typed by the registry.
 */
const ALLOWED = ['packages/guard/src/', 'packages/client/src/codes.ts'];

/** Every code ever published, in order of arrival: a code leaves the registries only into a retired list. */
const PUBLISHED_PROBLEM_CODES = [
  'invalid_request',
  'invalid_credentials',
  'invalid_grant',
  'invalid_token',
  'token_expired',
  'invalid_dpop_proof',
  'use_dpop_nonce',
  'mfa_required',
  'password_change_required',
  'invalid_login_token',
  'invalid_mfa_code',
  'insufficient_user_authentication',
  'forbidden',
  'https_required',
  'not_found',
  'request_timeout',
  'conflict',
  'payload_too_large',
  'uri_too_long',
  'unsupported_media_type',
  'idempotency_key_reused',
  'too_many_requests',
  'header_too_large',
  'internal_error',
  'invalid_key',
  'service_unavailable',
  'jwks_unavailable',
  'invalid_passkey',
  'invalid_passkey_challenge',
  'invalid_passkey_registration',
  // Issue #20: mailed links, sign-up, mail.
  'link_invalid',
  'link_expired',
  'link_used',
  'link_wrong_account',
  'signup_closed',
  'mail_unavailable',
  // Issue #18: APIs, permissions and roles as data.
  'unknown_api',
  'unknown_permission',
  'unknown_role',
  'api_in_use',
  'registry_built_in',
  'registry_limit',
  'invalid_target',
  'invalid_scope',
  'resource_not_granted',
  'token_too_large',
];
const PUBLISHED_OAUTH_ERRORS = [
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'invalid_target',
  'unsupported_token_type',
  'invalid_dpop_proof',
  'use_dpop_nonce',
  'temporarily_unavailable',
  'server_error',
];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : /\.tsx?$/.test(path) ? [path] : [];
  });
}
const packageSources = () =>
  readdirSync('packages')
    .map((name) => `packages/${name}/src`)
    .filter((dir) => existsSync(dir))
    .flatMap(sources);

const registered = PROBLEMS as Readonly<Record<string, { status: number } | undefined>>;

/** Every (status, code) the source can answer with: the guard's error classes and problems, the server's references to the registry. */
function producedCodes(): Array<{ where: string; status: number | undefined; code: string }> {
  const found: Array<{ where: string; status: number | undefined; code: string }> = [];
  for (const path of sources('packages/guard/src')) {
    const text = readFileSync(path, 'utf8');
    for (const m of text.matchAll(/readonly code = '([a-z_]+)';\s*readonly status = (\d{3});/g))
      found.push({ where: path, code: m[1] as string, status: Number(m[2]) });
    for (const m of text.matchAll(/\bguardProblem\((\d{3}), '([a-z_]+)'/g))
      found.push({ where: path, code: m[2] as string, status: Number(m[1]) });
  }
  for (const path of [...sources('src'), ...sources('packages/console/src')]) {
    for (const m of readFileSync(path, 'utf8').matchAll(/\bPROBLEM_CODE\.([a-z_]+)/g))
      found.push({ where: path, code: m[1] as string, status: undefined });
  }
  const sdkCodes = 'packages/client/src/codes.ts';
  for (const m of readFileSync(sdkCodes, 'utf8').matchAll(/^\s+([a-z_]+): '\1',$/gm))
    found.push({ where: sdkCodes, code: m[1] as string, status: undefined });
  return found;
}

describe('problem codes', () => {
  it('every code the source can answer with is registered, with the status the guard gives it', () => {
    const produced = producedCodes();
    assert.ok(
      produced.length >= 40,
      `the scan finds the guard's classes and the server's references (found ${produced.length})`,
    );
    for (const { where, status, code } of produced) {
      const entry = registered[code];
      assert.ok(entry, `${where}: code ${code} is not in ${REGISTRY}problems.ts`);
      if (status !== undefined)
        assert.equal(entry.status, status, `${where}: ${code} answers ${status}, registered ${entry.status}`);
    }
  });

  it('registers no code the source never produces', () => {
    const produced = new Set(producedCodes().map((p) => p.code));
    assert.deepEqual(
      Object.keys(PROBLEMS).filter((code) => !produced.has(code)),
      [],
    );
  });

  it('no code string is written outside the registry (beyond the allowed files)', () => {
    const codes = new Set([
      ...Object.keys(PROBLEMS),
      ...Object.keys(OAUTH_ERRORS),
      ...RETIRED_PROBLEM_CODES,
      ...RETIRED_OAUTH_ERRORS,
    ]);
    const offences: string[] = [];
    for (const path of [...sources('src'), ...packageSources()]) {
      if (path.startsWith(REGISTRY) || ALLOWED.some((allowed) => path.startsWith(allowed))) continue;
      readFileSync(path, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          for (const m of line.matchAll(/(['"])([a-z_]+)\1/g))
            if (codes.has(m[2] as string))
              offences.push(`${path}:${i + 1}: '${m[2]}' (use PROBLEM_CODE.${m[2]} or OAUTH_ERROR.${m[2]})`);
        });
    }
    assert.deepEqual(offences, []);
  });

  it('a published code stays registered or retired, a retired code is never registered again, and every registered code is published', () => {
    for (const [name, registry, retired, published] of [
      ['problem', PROBLEMS, RETIRED_PROBLEM_CODES, PUBLISHED_PROBLEM_CODES],
      ['OAuth', OAUTH_ERRORS, RETIRED_OAUTH_ERRORS, PUBLISHED_OAUTH_ERRORS],
    ] as const) {
      const live = Object.keys(registry);
      assert.deepEqual(
        published.filter((code) => !live.includes(code) && !retired.includes(code)),
        [],
        `${name} codes removed without retiring them`,
      );
      assert.deepEqual(
        retired.filter((code) => live.includes(code)),
        [],
        `retired ${name} codes registered again`,
      );
      assert.deepEqual(
        live.filter((code) => !(published as readonly string[]).includes(code)),
        [],
        `new ${name} codes: append them to the published list here`,
      );
    }
  });
});
