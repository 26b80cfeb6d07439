/**
 * The OpenAPI document as a client generator wants it: `redocly lint` with the recommended rules
 * (redocly.yaml) finds no error and no warning in the served GET /openapi.json; every operation
 * has a unique operationId; a 204 is documented as a 204 without content; the views are named
 * schemas in components that the operations reference; public operations declare `security: []`.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { createHarness, type Harness } from '../helpers/harness.js';

interface Response {
  description?: string;
  content?: Record<string, { schema?: unknown }>;
}
interface Operation {
  operationId?: string;
  security?: unknown[];
  responses?: Record<string, Response>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, unknown> };
  servers?: unknown;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NAMED = ['User', 'CurrentUser', 'Session', 'Key', 'AuditEvent', 'Employee', 'Payment', 'Problem'];
/** Public operations: these, and every discovery document under /.well-known/. */
const PUBLIC = [
  'post /api/users-sessions',
  'post /api/users-sessions/refresh',
  'post /api/users-sessions/mfa',
  'post /api/users-sessions/password-change',
  'get /.well-known/jwks.json',
  'get /.well-known/openid-configuration',
  'get /.well-known/oauth-authorization-server',
  'get /healthz',
  'get /readyz',
  'get /openapi.json',
];
const isPublic = (name: string) => PUBLIC.includes(name) || name.startsWith('get /.well-known/');
/** Routes that answer 204 (their handlers send nothing). */
const NO_CONTENT = [
  'delete /api/users-sessions/current',
  'put /api/users/me/password',
  'delete /api/sessions/{id}',
  'delete /api/users/{id}/sessions',
];

/** Runs redocly offline: no usage data, no update check (both would reach the network). */
function redoclyLint(file: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' };
  const args = ['lint', file, '--config', join(ROOT, 'redocly.yaml'), '--format', 'json'];
  return new Promise((resolve) => {
    execFile(join(ROOT, 'node_modules/.bin/redocly'), args, { env, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

function operations(doc: Document): Array<[string, Operation]> {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]): [string, Operation] => [`${method} ${path}`, op]),
  );
}

/** Every `$ref` anywhere under `value`. */
function refsIn(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) refsIn(item, out);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$ref' && typeof inner === 'string') out.push(inner);
      else refsIn(inner, out);
    }
  }
  return out;
}

describe('OpenAPI document lint (redocly, recommended rules)', () => {
  let h: Harness;
  let doc: Document;
  let dir: string;
  before(async () => {
    h = await createHarness();
    const response = await h.app.inject({ url: '/openapi.json' });
    assert.equal(response.statusCode, 200);
    doc = response.json<Document>();
    dir = mkdtempSync(join(tmpdir(), 'bulwark-openapi-'));
    writeFileSync(join(dir, 'openapi.json'), response.body);
  });
  after(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes `redocly lint` with no error and no warning', async () => {
    const result = await redoclyLint(join(dir, 'openapi.json'));
    assert.equal(result.code, 0, `redocly lint failed:\n${result.stdout}\n${result.stderr}`);
    const report = JSON.parse(result.stdout) as {
      totals: { errors: number; warnings: number; ignored: number };
      problems: unknown[];
    };
    assert.deepEqual(report.totals, { errors: 0, warnings: 0, ignored: 0 }, JSON.stringify(report.problems, null, 2));
  });

  it('gives every operation a unique operationId', () => {
    const all = operations(doc);
    assert.ok(all.length >= 28, `found ${all.length} operations`);
    const ids = all.map(([name, op]) => {
      assert.match(op.operationId ?? '', /^[a-z][A-Za-z]+$/, `${name} has an operationId`);
      return op.operationId;
    });
    assert.equal(new Set(ids).size, ids.length, `duplicate operationIds: ${ids.join(', ')}`);
  });

  it('documents each 204 answer as 204 with no content, and those routes do answer 204', async () => {
    for (const name of NO_CONTENT) {
      const [method = '', path = ''] = name.split(' ');
      const responses = doc.paths[path]?.[method]?.responses ?? {};
      assert.ok(responses['204'], `${name} documents 204`);
      assert.equal(responses['204']?.content, undefined, `${name}: a 204 has no content`);
      assert.equal(responses['200'], undefined, `${name}: no 200 is documented`);
    }
    for (const [name, op] of operations(doc)) {
      if (op.responses?.['204'] !== undefined)
        assert.equal(op.responses['204'].content, undefined, `${name}: a 204 has no content`);
    }
    // The document matches the server: a real logout answers 204 with an empty body.
    await h.addUser('lint-user', 'employee');
    const { access_token: token } = await h.login('lint-user', 'lint-user-Correct-Horse-42');
    const logout = await h.app.inject({
      method: 'DELETE',
      url: '/api/users-sessions/current',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(logout.statusCode, 204);
    assert.equal(logout.body, '');
  });

  it('names the views (and Problem) in components, and the operations reference them', () => {
    const schemas = doc.components?.schemas ?? {};
    for (const name of NAMED) assert.ok(schemas[name], `components.schemas.${name}`);
    assert.deepEqual(
      Object.keys(schemas).filter((n) => /^def-\d+$/.test(n)),
      [],
      'no anonymous def-N schemas',
    );
    const referenced = new Set(refsIn(doc.paths));
    for (const name of NAMED)
      assert.ok(referenced.has(`#/components/schemas/${name}`), `${name} is referenced by an operation`);
    const single = {
      'get /api/users/me': 'CurrentUser',
      'post /api/keys/rotate': 'Key',
      'get /api/employees/{id}': 'Employee',
      'post /api/payments': 'Payment',
    };
    for (const [name, schema] of Object.entries(single)) {
      const [method = '', path = ''] = name.split(' ');
      const ok = doc.paths[path]?.[method]?.responses?.['200'] ?? doc.paths[path]?.[method]?.responses?.['201'];
      assert.deepEqual(ok?.content?.['application/json']?.schema, { $ref: `#/components/schemas/${schema}` }, name);
    }
    const listed = {
      'get /api/users': 'User',
      'get /api/sessions': 'Session',
      'get /api/audit-events': 'AuditEvent',
      'get /api/employees': 'Employee',
      'get /api/payments': 'Payment',
    };
    for (const [name, schema] of Object.entries(listed)) {
      const [method = '', path = ''] = name.split(' ');
      const page = doc.paths[path]?.[method]?.responses?.['200']?.content?.['application/json']?.schema as
        { properties?: { items?: { items?: unknown } } } | undefined;
      assert.deepEqual(page?.properties?.items?.items, { $ref: `#/components/schemas/${schema}` }, name);
    }
  });

  it('declares `security: []` on the public operations, bearer on the others, never nothing', () => {
    for (const [name, op] of operations(doc)) {
      if (isPublic(name)) assert.deepEqual(op.security, [], name);
      // Which of the others are public is test/payroll/openapi.test.ts's check, route by route.
      else
        assert.ok(
          isDeepStrictEqual(op.security, []) || isDeepStrictEqual(op.security, [{ bearer: [] }]),
          `${name} declares its security: ${JSON.stringify(op.security)}`,
        );
    }
    for (const name of [
      'post /api/users-sessions',
      'post /api/users-sessions/refresh',
      'get /.well-known/jwks.json',
      'get /healthz',
      'get /readyz',
      'get /openapi.json',
    ]) {
      const [method = '', path = ''] = name.split(' ');
      assert.ok(doc.paths[path]?.[method], `${name} is documented`);
    }
    assert.deepEqual(doc.servers, [{ url: '/', description: `this server (tokens are issued by ${h.config.issuer})` }]);
  });
});
