import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createHarness, type Harness } from '../helpers/harness.js';

interface Operation { security?: Array<Record<string, unknown>>; tags?: string[]; summary?: string; parameters?: Array<{ in: string; name: string; required?: boolean }> }
interface Document { openapi: string; paths: Record<string, Record<string, Operation>>; components?: { securitySchemes?: Record<string, { type: string; scheme?: string }> } }

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
    for (const method of (match[3] ?? '').split(', ').filter((m) => m !== '' && m !== 'HEAD' && m !== 'OPTIONS')) routes.push({ method, path });
  }
  return routes;
}

const SKIP = [/^\/docs/, /^\/openapi\.json$/, /^\/healthz$/, /^\/readyz$/];
const PUBLIC = new Set(['POST /api/users-sessions', 'POST /api/users-sessions/refresh', 'GET /.well-known/jwks.json', 'GET /.well-known/openid-configuration', 'GET /.well-known/oauth-authorization-server']);

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
    assert.deepEqual({ type: doc.components?.securitySchemes?.bearer?.type, scheme: doc.components?.securitySchemes?.bearer?.scheme }, { type: 'http', scheme: 'bearer' });
  });

  it('documents every route the app serves (auth and payroll), each with tags; protected ones with bearer security', () => {
    const routes = routesOf(h.app).filter((r) => !SKIP.some((skip) => skip.test(r.path)));
    for (const expected of ['GET /api/employees', 'PATCH /api/employees/:id', 'POST /api/payments/:id/reversal', 'POST /api/users-sessions', 'GET /api/users/me']) {
      assert.ok(routes.some((r) => `${r.method} ${r.path}` === expected), `route tree parsed: ${expected}`);
    }
    assert.ok(routes.length >= 25, `found ${routes.length} routes`);
    for (const { method, path } of routes) {
      const openApiPath = path.replace(/:([A-Za-z_]+)/g, '{$1}');
      const operation = doc.paths[openApiPath]?.[method.toLowerCase()];
      assert.ok(operation, `${method} ${openApiPath} is in the document`);
      assert.ok((operation.tags ?? []).length > 0, `${method} ${openApiPath} has tags`);
      if (!PUBLIC.has(`${method} ${path}`)) assert.deepEqual(operation.security, [{ bearer: [] }], `${method} ${openApiPath} declares bearer security`);
    }
  });

  it('payroll writes document the required Idempotency-Key header; payments have no PUT/PATCH/DELETE', () => {
    for (const path of ['/api/payments', '/api/payments/{id}/reversal']) {
      const header = doc.paths[path]?.post?.parameters?.find((p) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key');
      assert.ok(header?.required, `${path} requires Idempotency-Key`);
    }
    for (const method of ['put', 'patch', 'delete']) assert.equal(doc.paths['/api/payments/{id}']?.[method], undefined);
  });
});
