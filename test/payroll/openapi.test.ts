import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CONSOLE_VIEW_PATHS } from '../../src/console/paths.js';
import { PROBLEMS } from '@bulwark/contract/registry';
import { createHarness, problemOf, type Harness } from '../helpers/harness.js';

interface Response {
  description: string;
  content?: Record<string, { schema: { $ref?: string } }>;
  headers?: Record<string, unknown>;
}
interface Operation {
  security?: Array<Record<string, unknown>>;
  tags?: string[];
  summary?: string;
  parameters?: Array<{ in: string; name: string; required?: boolean }>;
  responses?: Record<string, Response>;
}
interface Document {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components?: {
    securitySchemes?: Record<string, { type: string; scheme?: string }>;
    schemas?: Record<string, { properties?: Record<string, { enum?: string[] }> }>;
  };
}

/** Every route the app serves, read from Fastify's own route tree (printRoutes). */
function routesOf(app: Harness['app']): Array<{ method: string; path: string }> {
  const stack: string[] = [];
  const routes: Array<{ method: string; path: string }> = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^((?:│ {3}| {4})*)(?:├── |└── )(.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (match === null) continue;
    const depth = (match[1] ?? '').length / 4;
    stack.length = depth;
    const path = stack.join('') + (match[2] ?? '');
    stack.push(match[2] ?? '');
    for (const method of (match[3] ?? '').split(', ').filter((m) => m !== '' && m !== 'HEAD' && m !== 'OPTIONS'))
      routes.push({ method, path });
  }
  return routes;
}

/** Not API operations: Swagger UI, and the web console's pages and assets (served hidden). */
const CONSOLE_PAGES = new Set(['/', '/*', ...CONSOLE_VIEW_PATHS]);
// The OAuth endpoints (form bodies, RFC 6749 errors rather than problem+json) are described by the
// RFC 8414 metadata, not by this document.
const SKIP = [/^\/docs/, /^\/oauth\//, { test: (path: string) => CONSOLE_PAGES.has(path) }];
const PUBLIC = new Set([
  'POST /api/users-sessions',
  'POST /api/users-sessions/refresh',
  'POST /api/users-sessions/mfa',
  'POST /api/users-sessions/password-change',
  'GET /.well-known/jwks.json',
  'GET /.well-known/openid-configuration',
  'GET /.well-known/oauth-authorization-server',
  'GET /healthz',
  'GET /readyz',
  'GET /openapi.json',
  'POST /api/users-sessions/passkey/options',
  'POST /api/users-sessions/passkey',
  'POST /api/users-sessions/mfa/passkey/options',
  'POST /api/users-sessions/mfa/passkey',
  // Issue #20: the mailed link (or the address) is the credential.
  'POST /api/password-resets',
  'POST /api/password-resets/confirm',
  'POST /api/invitations/accept',
  'POST /api/invitations/accept/passkey-options',
  'POST /api/signups',
  'POST /api/signups/confirm',
]);
const isSecured = (operation: Operation) => (operation.security?.length ?? 0) > 0;

describe('OpenAPI document (/openapi.json)', () => {
  let h: Harness;
  let doc: Document;
  before(async () => {
    h = await createHarness();
    const response = await h.app.inject({ url: '/openapi.json' });
    assert.equal(response.statusCode, 200);
    doc = response.json<Document>();
  });
  after(() => h.close());

  it('is OpenAPI 3.1 with a bearer JWT security scheme', () => {
    assert.match(doc.openapi, /^3\.1\.\d+$/);
    assert.deepEqual(
      { type: doc.components?.securitySchemes?.bearer?.type, scheme: doc.components?.securitySchemes?.bearer?.scheme },
      { type: 'http', scheme: 'bearer' },
    );
  });

  it('documents every route the app serves (auth, payroll, operations), each with tags; protected ones with bearer security, public ones with none', () => {
    const routes = routesOf(h.app).filter((r) => !SKIP.some((skip) => skip.test(r.path)));
    for (const expected of [
      'GET /api/employees',
      'PATCH /api/employees/:id',
      'POST /api/payments/:id/reversal',
      'POST /api/users-sessions',
      'GET /api/users/me',
    ]) {
      assert.ok(
        routes.some((r) => `${r.method} ${r.path}` === expected),
        `route tree parsed: ${expected}`,
      );
    }
    assert.ok(routes.length >= 25, `found ${routes.length} routes`);
    for (const { method, path } of routes) {
      const openApiPath = path.replace(/:([A-Za-z_]+)/g, '{$1}');
      const operation = doc.paths[openApiPath]?.[method.toLowerCase()];
      assert.ok(operation, `${method} ${openApiPath} is in the document`);
      assert.ok((operation.tags ?? []).length > 0, `${method} ${openApiPath} has tags`);
      const expected = PUBLIC.has(`${method} ${path}`) || path.startsWith('/.well-known/') ? [] : [{ bearer: [] }];
      assert.deepEqual(operation.security, expected, `${method} ${openApiPath} declares its security`);
    }
  });

  it('payroll writes document the required Idempotency-Key header; payments have no PUT/PATCH/DELETE', () => {
    for (const path of ['/api/payments', '/api/payments/{id}/reversal']) {
      const header = doc.paths[path]?.post?.parameters?.find(
        (p) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key',
      );
      assert.ok(header?.required, `${path} requires Idempotency-Key`);
    }
    for (const method of ['put', 'patch', 'delete']) assert.equal(doc.paths['/api/payments/{id}']?.[method], undefined);
  });

  it('documents the problem+json answers: every stable code, and on each operation 4XX/429/503 (+401/403 with a challenge when secured)', async () => {
    assert.deepEqual(doc.components?.schemas?.Problem?.properties?.code?.enum, Object.keys(PROBLEMS));
    let operations = 0;
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        operations += 1;
        const expected = isSecured(operation) ? ['401', '403', '4XX', '429', '503'] : ['4XX', '429', '503'];
        for (const status of expected) {
          const response = operation.responses?.[status];
          assert.ok(response, `${method} ${path} documents ${status}`);
          assert.equal(
            response.content?.['application/problem+json']?.schema.$ref,
            '#/components/schemas/Problem',
            `${method} ${path} ${status}`,
          );
        }
        if (isSecured(operation))
          assert.ok(operation.responses?.['401']?.headers?.['WWW-Authenticate'], `${method} ${path} 401 challenge`);
        else assert.equal(operation.responses?.['401'], undefined, `${method} ${path} is public: no 401`);
        assert.ok(
          operation.responses?.['200'] ??
            operation.responses?.['201'] ??
            operation.responses?.['202'] ??
            operation.responses?.['204'] ??
            operation.responses?.default,
          `${method} ${path} keeps its success answer`,
        );
      }
    }
    assert.ok(operations >= 25);
    // What the document says is what the server does: a real 401 carries a documented code.
    const unauthorised = await h.app.inject({ url: '/api/employees' });
    assert.equal(unauthorised.statusCode, 401);
    assert.ok(Object.keys(PROBLEMS).includes(problemOf(unauthorised).code));
  });
});
