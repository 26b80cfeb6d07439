/**
 * Generators for the HTTP route fuzzer (fuzz-routes.test.ts): routes derived from the served
 * OpenAPI document, and hostile requests for them: JSON bodies (arbitrary, schema-shaped with
 * wrong values, near-valid with one field mutated), raw non-JSON bytes sent as JSON, wrong
 * content types, path parameters, query strings and headers.
 */
import fc from 'fast-check';

/** The subset of JSON Schema the OpenAPI document uses. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  format?: string;
  minProperties?: number;
  additionalProperties?: boolean | JsonSchema;
}

export interface RouteSpec {
  method: string;
  /** OpenAPI path template, e.g. /api/users/{id}. */
  template: string;
  pathParams: string[];
  query: Array<{ name: string; schema: JsonSchema }>;
  /** Header parameters (lower-case names). */
  headers: string[];
  body: JsonSchema | undefined;
  /** Declared `security`: needs a bearer token. */
  secured: boolean;
}

interface OpenApiOperation {
  parameters?: Array<{ in: string; name: string; schema?: JsonSchema }>;
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  security?: unknown[];
}

export interface OpenApiDocument {
  openapi?: string;
  paths?: Record<string, Record<string, OpenApiOperation>>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/** Every operation of the document, as the fuzzer needs it. */
export function routesFromOpenApi(doc: OpenApiDocument): RouteSpec[] {
  const routes: RouteSpec[] = [];
  for (const [template, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(item)) {
      if (!METHODS.includes(method)) continue;
      const params = op.parameters ?? [];
      routes.push({
        method: method.toUpperCase(),
        template,
        pathParams: [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string),
        query: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema ?? {} })),
        headers: params.filter((p) => p.in === 'header').map((p) => p.name.toLowerCase()),
        body: op.requestBody?.content?.['application/json']?.schema,
        secured: (op.security?.length ?? 0) > 0,
      });
    }
  }
  return routes;
}

/** CONTRACT §4: the routes the derivation must at least find. */
export const CONTRACT_ROUTES = [
  'POST /api/users-sessions',
  'POST /api/users-sessions/refresh',
  'DELETE /api/users-sessions/current',
  'GET /api/users/me',
  'PUT /api/users/me/password',
  'GET /.well-known/jwks.json',
  'GET /.well-known/oauth-authorization-server',
  'GET /api/users',
  'POST /api/users',
  'PATCH /api/users/{id}',
  'GET /api/sessions',
  'DELETE /api/sessions/{id}',
  'DELETE /api/users/{id}/sessions',
  'GET /api/keys',
  'POST /api/keys/rotate',
  'GET /api/audit-events',
  'GET /api/employees',
  'GET /api/employees/{id}',
  'POST /api/employees',
  'PATCH /api/employees/{id}',
  'GET /api/payments',
  'GET /api/payments/{id}',
  'POST /api/payments',
  'POST /api/payments/{id}/reversal',
];

/** CONTRACT §4: routes only an admin may use (a clerk or employee must never get a 2xx). */
export const ADMIN_ONLY = new Set([
  'GET /api/users',
  'POST /api/users',
  'PATCH /api/users/{id}',
  'GET /api/sessions',
  'DELETE /api/sessions/{id}',
  'DELETE /api/users/{id}/sessions',
  'GET /api/keys',
  'POST /api/keys/rotate',
  'GET /api/audit-events',
  'POST /api/employees',
  'PATCH /api/employees/{id}',
  'POST /api/payments',
  'POST /api/payments/{id}/reversal',
  'GET /api/clients',
  'POST /api/clients',
  'PATCH /api/clients/{id}',
  'POST /api/clients/{id}/rotate-secret',
]);

/**
 * Ids and secrets the generators draw from. Arrays are read at generation time, so ids learnt
 * during the run (new payments, users, sessions) are used from then on. The demo users' own ids
 * and sessions are never in these pools: a fuzzed PATCH or DELETE must not lock the test out.
 */
export interface Pools {
  users: string[];
  sessions: string[];
  employees: string[];
  payments: string[];
  usernames: string[];
  refreshTokens: string[];
}

/** An element of a pool that may grow, or a fallback while it is empty. */
const fromPool = (pool: string[], fallback: string) =>
  fc.nat().map((i) => (pool.length === 0 ? fallback : (pool[i % pool.length] as string)));

// ---- values ------------------------------------------------------------------------------------

const utf8AsLatin1 = (s: string) => Buffer.from(s, 'utf8').toString('latin1');
/** encodeURIComponent that never throws: lone surrogates go out as U+FFFD's bytes, as UTF-8 encoders do. */
const pct = (s: string) =>
  [...Buffer.from(s, 'utf8')]
    .map((b) =>
      /[A-Za-z0-9\-_.!~*'()]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');

/** Text that stresses decoders: astral, combining, RTL, NUL, lone surrogates, fullwidth, BOM. */
const nastyString = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\ud800',
    '\udfff',
    'a\u0000b',
    '\u202e',
    '\ufeff',
    'ＡＤＭＩＮ',
    'admin\u200b',
    'e\u0301',
    '😀'.repeat(30),
    '../../etc/passwd',
    '${jndi:ldap://x}',
    '<script>alert(1)</script>',
    "' OR 1=1 --",
    '%s%s%n',
    '\\',
    '"',
    'null',
    'undefined',
    '__proto__',
    'constructor',
    'toString',
    'NaN',
    '-0',
    '1e309',
    'true',
    'ALICE',
    'alice ',
    ' alice',
  ),
);

const hugeString = fc.oneof(
  fc.integer({ min: 65, max: 2_000 }).map((n) => 'x'.repeat(n)),
  fc.constantFrom(256, 1_024, 1_025, 4_097, 10_000, 70_000).map((n) => 'é'.repeat(n)),
);

/** A value of the wrong type (or the right type with a hostile content) for any field. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: nastyString },
  { weight: 1, arbitrary: hugeString },
  {
    weight: 2,
    arbitrary: fc.constantFrom<unknown>(
      null,
      true,
      false,
      0,
      -1,
      1.5,
      1e308,
      -1e308,
      2 ** 53,
      2 ** 63,
      -0,
      10_000_000_001,
      [],
      {},
      [null],
      { a: null },
    ),
  },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.integer({ min: -(2 ** 31), max: 2 ** 31 }) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.array(nastyString, { maxLength: 5 }) },
);

/** Known-good values for fields whose format a generic generator would rarely hit. */
function knownGood(name: string, pools: Pools): fc.Arbitrary<unknown> | undefined {
  switch (name) {
    case 'currency':
      return fc.constantFrom('EUR', 'USD', 'GBP', 'CHF', 'JPY');
    case 'period':
      return fc
        .tuple(fc.integer({ min: 2000, max: 2030 }), fc.integer({ min: 1, max: 12 }))
        .map(([y, m]) => `${y}-${String(m).padStart(2, '0')}`);
    case 'hired_on':
      return fc.constantFrom('2024-02-29', '2020-01-01', '2025-12-31');
    case 'bank_account':
      return fc.constantFrom('DE89370400440532013000', 'GB82 WEST 1234 5698 7654 32', 'FR1420041010050500013M02606');
    case 'email':
      return fc.emailAddress();
    case 'employee_id':
      return fromPool(pools.employees, 'no-such-employee');
    case 'username':
      return fc.oneof(fromPool(pools.usernames, 'nobody'), fc.stringMatching(/^[a-z0-9][a-z0-9._-]{1,20}$/));
    case 'refresh_token':
      return fromPool(pools.refreshTokens, 'no-such-token');
    case 'password':
    case 'current_password':
    case 'new_password':
      return fc.string({ minLength: 1, maxLength: 40 });
    default:
      return undefined;
  }
}

/** A value the schema accepts (roughly: patterns other than the known fields are not honoured). */
function validValue(schema: JsonSchema, name: string, pools: Pools): fc.Arbitrary<unknown> {
  const known = knownGood(name, pools);
  if (known !== undefined) return known;
  if (schema.anyOf !== undefined) return fc.oneof(...schema.anyOf.map((s) => validValue(s, name, pools)));
  if (schema.enum !== undefined) return fc.constantFrom(...schema.enum);
  if (schema.const !== undefined) return fc.constant(schema.const);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return fc.integer({
        min: schema.minimum ?? -1000,
        max: Math.min(schema.maximum ?? 1_000_000, Number.MAX_SAFE_INTEGER),
      });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000, noNaN: true });
    case 'null':
      return fc.constant(null);
    case 'string': {
      // Plain words: valid bodies should mostly get through to the handler (hostile text has its own generators).
      const max = Math.max(1, Math.min(schema.maxLength ?? 30, 30));
      const min = Math.min(Math.max(1, schema.minLength ?? 1), max);
      return fc.stringMatching(/^[a-z][a-z0-9]*$/).map((w) => w.padEnd(min, 'x').slice(0, max));
    }
    default:
      return fc.jsonValue({ maxDepth: 1 });
  }
}

/** A value that breaks the field's schema at its edges (one past a bound, a wrong enum member). */
function edgeValue(schema: JsonSchema): fc.Arbitrary<unknown> {
  const options: unknown[] = [];
  if (schema.maxLength !== undefined) options.push('a'.repeat(schema.maxLength + 1), 'é'.repeat(schema.maxLength + 1));
  if (schema.minLength !== undefined && schema.minLength > 0) options.push('a'.repeat(schema.minLength - 1));
  if (schema.minimum !== undefined) options.push(schema.minimum - 1, schema.minimum - 0.5, String(schema.minimum));
  if (schema.maximum !== undefined) options.push(schema.maximum + 1, schema.maximum + 0.5);
  if (schema.anyOf !== undefined || schema.enum !== undefined) options.push('ADMIN', 'admin ', 'root', '');
  options.push(null, '', 0, 'x');
  return fc.constantFrom(...options);
}

/** Field names of an object schema (its alternatives included). */
export function fieldNames(schema: JsonSchema | undefined): string[] {
  if (schema === undefined) return [];
  const names = new Set(Object.keys(schema.properties ?? {}));
  for (const alt of schema.anyOf ?? []) for (const n of fieldNames(alt)) names.add(n);
  return [...names];
}

/** A body the schema accepts. */
export function validBody(schema: JsonSchema, pools: Pools): fc.Arbitrary<Record<string, unknown>> {
  const props = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, s] of Object.entries(props)) model[name] = validValue(s, name, pools);
  const requiredKeys = Object.keys(props).filter((n) => required.has(n));
  return fc.record(model, { requiredKeys }).filter((o) => Object.keys(o).length >= (schema.minProperties ?? 0));
}

type Mutation =
  | { kind: 'drop' }
  | { kind: 'hostile'; value: unknown }
  | { kind: 'edge'; value: unknown }
  | { kind: 'unknown'; key: string; value: unknown }
  | { kind: 'nul'; at: number };

/** `text` with U+0000 put in at `at` (modulo its length): storable by SQLite, refused by Postgres. */
export const withNul = (text: string, at: number) => {
  const i = at % (text.length + 1);
  return `${text.slice(0, i)}\u0000${text.slice(i)}`;
};

/** A valid body with exactly one field dropped, retyped, pushed past a bound, or one unknown field added. */
export function nearValidBody(schema: JsonSchema, pools: Pools): fc.Arbitrary<Record<string, unknown>> {
  const names = fieldNames(schema);
  const props = schema.properties ?? {};
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    fc.constant<Mutation>({ kind: 'drop' }),
    hostileValue.map<Mutation>((value) => ({ kind: 'hostile', value })),
    fc.constant<Mutation>({ kind: 'edge', value: undefined }),
    fc.nat().map<Mutation>((at) => ({ kind: 'nul', at })),
    fc
      .tuple(
        fc.oneof(
          fc.constantFrom(
            '__proto__',
            'constructor',
            'prototype',
            'id',
            'role',
            'admin',
            'is_admin',
            'password_hash',
            'created_at',
            'disabled',
          ),
          fc.string({ maxLength: 12 }),
        ),
        hostileValue,
      )
      .map<Mutation>(([key, value]) => ({ kind: 'unknown', key, value })),
  );
  return fc.tuple(validBody(schema, pools), fc.nat(), mutation).chain(([body, pick, m]) => {
    const name = names.length === 0 ? 'x' : (names[pick % names.length] as string);
    const out: Record<string, unknown> = { ...body };
    switch (m.kind) {
      case 'drop':
        delete out[name];
        return fc.constant(out);
      case 'hostile':
        out[name] = m.value;
        return fc.constant(out);
      case 'edge':
        return edgeValue(props[name] ?? {}).map((value) => ({ ...out, [name]: value }));
      case 'nul':
        out[name] = withNul(typeof out[name] === 'string' ? out[name] : 'x', m.at);
        return fc.constant(out);
      case 'unknown':
        // defineProperty: a "__proto__" key must be an own member that JSON.stringify writes.
        Object.defineProperty(out, m.key, { value: m.value, enumerable: true, configurable: true, writable: true });
        return fc.constant(out);
    }
  });
}

/** An object with the schema's field names, each filled with a hostile value. */
export function schemaShapedBody(schema: JsonSchema): fc.Arbitrary<Record<string, unknown>> {
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const name of fieldNames(schema)) model[name] = hostileValue;
  return fc.record(model, { requiredKeys: [] });
}

// ---- bodies ------------------------------------------------------------------------------------

export interface BodySpec {
  /** What the body is, for reports. */
  kind: string;
  contentType: string | undefined;
  bytes: Buffer | undefined;
}

const json =
  (contentType = 'application/json') =>
  (kind: string) =>
  (value: unknown): BodySpec => ({ kind, contentType, bytes: Buffer.from(JSON.stringify(value) ?? 'null') });

/** Bytes that are not (valid) JSON, sent as application/json. */
function rawJsonish(schema: JsonSchema | undefined, pools: Pools): fc.Arbitrary<BodySpec> {
  const names = fieldNames(schema);
  const f = names[0] ?? 'a';
  const g = names[1] ?? 'b';
  const raw =
    (kind: string) =>
    (bytes: Buffer | string): BodySpec => ({
      kind,
      contentType: 'application/json',
      bytes: Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes, 'utf8'),
    });
  const sample = schema === undefined ? fc.jsonValue({ maxDepth: 2 }) : nearValidBody(schema, pools);
  return fc.oneof(
    fc.tuple(sample, fc.nat()).map(([v, n]) => {
      const text = JSON.stringify(v) ?? '{}';
      return raw('truncated')(text.slice(0, n % Math.max(1, text.length)));
    }),
    fc
      .tuple(
        fc.constantFrom(
          ...[
            [0xff],
            [0xfe, 0xff],
            [0xc0, 0xaf],
            [0xed, 0xa0, 0x80],
            [0xf4, 0x90, 0x80, 0x80],
            [0x80],
            [0xe2, 0x82],
          ].map((b) => Buffer.from(b)),
        ),
        fc.boolean(),
      )
      .map(([bad, inKey]) =>
        raw('invalid-utf8')(
          Buffer.concat(
            inKey
              ? [Buffer.from('{"'), bad, Buffer.from(`":1,"${f}":"x"}`)]
              : [Buffer.from(`{"${f}":"`), bad, Buffer.from(`","${g}":"y"}`)],
          ),
        ),
      ),
    sample.map((v) =>
      raw('bom')(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(v) ?? '{}')])),
    ),
    sample.map((v) => raw('utf16')(Buffer.from(JSON.stringify(v) ?? '{}', 'utf16le'))),
    fc
      .constantFrom(
        `{"__proto__":{"${f}":"x","admin":true}}`,
        `{"constructor":{"prototype":{"admin":true}}}`,
        `{"${f}":{"__proto__":{"x":1}}}`,
        `{"${f}":"a","${f}":"b"}`,
        `{"role":"clerk","role":"admin"}`,
        `{"disabled":false,"disabled":true}`,
        `{"${f}":1,"${f}":"1","${g}":null}`,
        '',
        ' ',
        'null',
        'true',
        '0',
        '-0',
        '"text"',
        '[]',
        '[{}]',
        '{}',
        '{',
        '}',
        '{"a"}',
        '{"a":}',
        '{,}',
        '{"a":1,}',
        '[1,]',
        "{'a':1}",
        'NaN',
        'Infinity',
        '{"a":NaN}',
        `{"${f}":1e999}`,
        `{"${f}":-1e999}`,
        `{"${f}":123456789012345678901234567890}`,
        `{"${f}":1e-400}`,
        `{"${f}":"\\ud800"}`,
        `{"${f}":"\\u0000"}`,
        `{"${f}":"\\x41"}`,
        `{"${f}":"\\uZZZZ"}`,
        `{"${f}":"a\nb"}`,
        '{"a":1}garbage',
        '{}{}',
        '\u0000{}',
        `{"${f}":${'['.repeat(40)}${']'.repeat(40)}}`,
        `${'{"a":'.repeat(35)}1${'}'.repeat(35)}`,
        '['.repeat(5_000),
        `{"${f}":"${'\\'.repeat(3)}"}`,
      )
      .map(raw('malformed')),
    fc
      .integer({ min: 1_001, max: 1_500 })
      .map((n) => raw('wide')(`{${Array.from({ length: n }, (_, i) => `"k${i}":${i}`).join(',')}}`)),
    fc.constantFrom(64 * 1024 - 20, 64 * 1024 + 1, 200 * 1024).map((n) => raw('huge')(`{"${f}":"${'a'.repeat(n)}"}`)),
  );
}

const WRONG_CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'multipart/form-data; boundary=xyz',
  'application/xml',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/json; charset=""',
  'application/json;',
  'application/json ; charset="utf-8"',
  'APPLICATION/JSON',
  'Application/Json; Charset=UTF-8',
  'application/jsonp',
  'application/json5',
  'application/problem+json',
  'application/merge-patch+json',
  'application/*',
  '*/*',
  'json',
  '/',
  ';',
  'application/json, text/plain',
  'application/json; charset=utf-8; charset=ascii',
  'application/json; boundary=',
  'text/json',
  'application/octet-stream',
  utf8AsLatin1('application/jsön'),
  'application/json\t',
  '\tapplication/json',
];

/** The body as a form would send it (name=value pairs). */
function formEncoded(value: unknown): string {
  const entries = Object.entries(typeof value === 'object' && value !== null ? value : { v: value });
  return new URLSearchParams(
    entries.map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : (JSON.stringify(v) ?? '')]),
  ).toString();
}

/** A request body (or none) for a route with body schema `schema` (undefined: a route without one). */
export function bodyArb(schema: JsonSchema | undefined, pools: Pools): fc.Arbitrary<BodySpec> {
  const none = fc.constant<BodySpec>({ kind: 'none', contentType: undefined, bytes: undefined });
  const jsonArbs: Array<fc.WeightedArbitrary<BodySpec>> = [
    { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 4 }).map(json()('json-value')) },
  ];
  if (schema !== undefined) {
    jsonArbs.push(
      { weight: 4, arbitrary: schemaShapedBody(schema).map(json()('schema-shaped')) },
      { weight: 6, arbitrary: nearValidBody(schema, pools).map(json()('near-valid')) },
      { weight: 3, arbitrary: validBody(schema, pools).map(json()('valid')) },
    );
  }
  const sample = schema === undefined ? fc.jsonValue({ maxDepth: 2 }) : nearValidBody(schema, pools);
  const wrongType = fc
    .tuple(fc.constantFrom(...WRONG_CONTENT_TYPES), sample, fc.boolean())
    .map(([contentType, value, form]): BodySpec => ({
      kind: 'content-type',
      contentType,
      bytes: Buffer.from(form ? formEncoded(value) : (JSON.stringify(value) ?? '')),
    }));
  return fc.oneof(
    { weight: schema === undefined ? 6 : 1, arbitrary: none },
    {
      weight: 1,
      arbitrary: fc.constant<BodySpec>({ kind: 'json-no-body', contentType: 'application/json', bytes: undefined }),
    },
    ...jsonArbs,
    { weight: 4, arbitrary: rawJsonish(schema, pools) },
    { weight: 2, arbitrary: wrongType },
  );
}

// ---- paths, queries, headers -------------------------------------------------------------------

/** Path segments as they go on the wire: percent-encoded text, raw oddities, ids real and not. */
const hostileSegment: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: nastyString.filter((s) => s !== '').map(pct) },
  {
    weight: 1,
    arbitrary: fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 20 })
      .map((s) => utf8AsLatin1(s).replace(/[^\x21-\xff]|[?#/]/g, '_')),
  },
  { weight: 2, arbitrary: fc.uuid() },
  { weight: 1, arbitrary: fc.uuid().map((u) => u.toUpperCase()) },
  { weight: 1, arbitrary: fc.uuid().map((u) => `${u}x`) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '..',
      '.',
      '%2e%2e',
      '%2E%2E%2F',
      '..%2F..%2F',
      '%00',
      'a%00b',
      '%',
      '%zz',
      '%E0%A4%A',
      '%C0%AF',
      '%ef%bb%bf',
      '%FF',
      '%ED%A0%80',
      '%2F',
      '%5C',
      '%20',
      '+',
      '~',
      '*',
      ';',
      ';a=b',
      ',',
      '%3F',
      '%23',
      'me',
      'current',
      'null',
      'undefined',
      '__proto__',
      'constructor',
      'hasOwnProperty',
      '0',
      '-1',
      '1e309',
      '0x10',
      'a'.repeat(64),
      'a'.repeat(65),
      'a'.repeat(128),
      'a'.repeat(129),
      'a'.repeat(3_000),
    ),
  },
  { weight: 1, arbitrary: fc.integer({ min: 7_000, max: 12_000 }).map((n) => 'b'.repeat(n)) },
);

export function pathArb(route: RouteSpec, pools: Pools): fc.Arbitrary<string> {
  const pool = route.template.startsWith('/api/users/')
    ? pools.users
    : route.template.startsWith('/api/sessions/')
      ? pools.sessions
      : route.template.startsWith('/api/employees/')
        ? pools.employees
        : route.template.startsWith('/api/payments/')
          ? pools.payments
          : pools.payments;
  const segment = fc.oneof({ weight: 2, arbitrary: fromPool(pool, 'none') }, { weight: 5, arbitrary: hostileSegment });
  if (route.pathParams.length === 0) {
    return fc.oneof(
      { weight: 12, arbitrary: fc.constant(route.template) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          `${route.template}/`,
          `${route.template}//`,
          `/${route.template}`,
          `${route.template}/.`,
          `${route.template}/..`,
          route.template.toUpperCase(),
          `${route.template}%00`,
          `${route.template};x`,
        ),
      },
    );
  }
  return fc.array(segment, { minLength: route.pathParams.length, maxLength: route.pathParams.length }).map((values) => {
    let i = 0;
    return route.template.replace(/\{[^}]+\}/g, () => values[i++] as string);
  });
}

const QUERY_NAMES = [
  'limit',
  'cursor',
  'from',
  'to',
  'employee_id',
  'type',
  'actor',
  'user_id',
  '__proto__',
  'constructor',
  'hasOwnProperty',
  'toString',
  'limit[]',
  'limit[0]',
  'a.b',
];

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value) ?? 'null', 'utf8').toString('base64url');

/** Cursor-shaped values: base64url JSON, of the [time, id] shape list cursors use and of anything. */
const cursorValue: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(
      fc.oneof(fc.integer(), fc.constantFrom(0, -0, 2 ** 53 - 1, -(2 ** 53) + 1, 2 ** 53, 1.5, 1e300)),
      nastyString,
    )
    .map(([at, id]) => b64([at, id])),
  fc.jsonValue({ maxDepth: 2 }).map(b64),
  fc.constantFrom(
    b64([1, '\u0000']),
    b64(['1', 'x']),
    b64([1]),
    b64([1, 'x', 2]),
    b64({ at: 1, id: 'x' }),
    `${b64([1, 'x'])}=`,
    b64([1, 'x']).replace(/.$/, '/'),
  ),
);

const plausible = fc.oneof(fc.constantFrom('x', 'admin', 'login.failed', 'key.rotated', '2026-01', '20'), fc.uuid());
const queryValue: fc.Arbitrary<string> = fc.oneof(
  cursorValue,
  fc.tuple(plausible, fc.nat()).map(([v, at]) => pct(withNul(v, at))),
  fc.tuple(fc.integer({ min: 0, max: 2 ** 40 }), plausible, fc.nat()).map(([t, id, at]) => b64([t, withNul(id, at)])),
  fc.constantFrom(
    '1',
    '20',
    '100',
    '101',
    '0',
    '-1',
    '1.5',
    '1e2',
    '0x10',
    ' 5',
    'abc',
    '',
    'true',
    'null',
    '2026-01',
    '2026-13',
    '2026-1',
    '0000-01',
    '9999-12',
    '2025-12',
    'eyJ9',
    'eyJpZCI6MX0',
    'AAAA',
    '%',
    '%zz',
    '%00',
    '%E0%A4%A',
    'a'.repeat(257),
    'login.failed',
    'key.rotated',
  ),
  fc.uuid(),
  nastyString.map(pct),
  fc.string({ unit: 'grapheme', maxLength: 12 }).map((s) => utf8AsLatin1(s).replace(/[^\x21-\xff]|[#&=]/g, '_')),
  fc.integer({ min: 300, max: 9_000 }).map((n) => 'c'.repeat(n)),
);

export function queryArb(route: RouteSpec, pools: Pools): fc.Arbitrary<string> {
  const names = [...new Set([...route.query.map((q) => q.name), ...QUERY_NAMES])];
  const own = route.query.length === 0 ? names : route.query.map((q) => q.name);
  const name = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...own) },
    { weight: 3, arbitrary: fc.constantFrom(...names) },
    { weight: 1, arbitrary: nastyString.map(pct) },
  );
  const value = fc.oneof(
    { weight: 5, arbitrary: queryValue },
    { weight: 1, arbitrary: fromPool(pools.employees, 'x') },
    { weight: 1, arbitrary: fromPool(pools.users, 'x') },
  );
  const pairs = fc
    .array(fc.tuple(name, value, fc.boolean()), { maxLength: 5 })
    .map((list) => list.map(([n, v, eq]) => (eq || v !== '' ? `${n}=${v}` : n)).join('&'));
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant('') },
    { weight: 8, arbitrary: pairs.map((q) => (q === '' ? '' : `?${q}`)) },
    {
      weight: 2,
      arbitrary: fc.tuple(fc.constantFrom(...names), value, value).map(([n, a, b]) => `?${n}=${a}&${n}=${b}`),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '?',
        '?&&&',
        '?=',
        '?=1',
        '?limit',
        '?limit=',
        '?limit=1&limit=2&limit=3',
        '?cursor=&limit=0',
        '?%',
        '?a=%zz',
        '?#frag',
        `?${'x=1&'.repeat(1_500)}`,
      ),
    },
  );
}

export interface HeaderSpec {
  headers: Record<string, string>;
  /** The Authorization header is fuzzed (the identity's token is not sent). */
  authFuzzed: boolean;
}

const headerValue: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 40 }).map((s) => s.replace(/[\r\n\0]/g, ' ')),
  fc.string({ unit: 'grapheme', maxLength: 20 }).map((s) => utf8AsLatin1(s).replace(/[\r\n\0]/g, ' ')),
  fc.constantFrom('', ' ', '\t', 'é', utf8AsLatin1('ключ'), utf8AsLatin1('😀')),
);

const idempotencyKey: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.uuid() },
  { weight: 2, arbitrary: fc.constantFrom('fuzz-key-1', 'fuzz-key-2') },
  { weight: 3, arbitrary: headerValue },
  { weight: 1, arbitrary: fc.constantFrom(255, 256, 1_000, 8_000).map((n) => 'k'.repeat(n)) },
);

/** `arb` in one case of `oneIn`, else null. */
const rarely = <T>(arb: fc.Arbitrary<T>, oneIn: number): fc.Arbitrary<T | null> =>
  fc.oneof({ weight: oneIn - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: arb });

const tokenChars = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,20}$/);

/** Extra headers for a request; `token` is the identity's own access token (for variants of it). */
export function headersArb(route: RouteSpec): fc.Arbitrary<HeaderSpec> {
  const needsKey = route.headers.includes('idempotency-key');
  const authVariant = fc.constantFrom(
    'Bearer',
    'Bearer ',
    'Bearer  $T',
    'bearer $T',
    'BEARER $T',
    'Basic YWxpY2U6eA==',
    'Bearer a.b.c',
    'Bearer $T extra',
    'Bearer $T.',
    `Bearer ${'a'.repeat(9_000)}`,
    'Token $T',
    '$T',
    'Bearer\t$T',
    'Bearer ..',
    'Bearer é.é.é',
    'Bearer $T, Bearer $T',
  );
  return fc
    .record({
      key: needsKey
        ? fc.oneof({ weight: 3, arbitrary: idempotencyKey }, { weight: 1, arbitrary: fc.constant(undefined) })
        : rarely(idempotencyKey, 6),
      accept: rarely(
        fc.constantFrom(
          'application/xml',
          '*/*',
          'text/html',
          'application/problem+json',
          '',
          'application/json;q=0',
          utf8AsLatin1('ä/ö'),
        ),
        4,
      ),
      extra: rarely(fc.tuple(tokenChars, headerValue), 3),
      cookie: rarely(
        fc.oneof(
          headerValue.map((v) => `bulwark_refresh=${v}`),
          fc.constantFrom(
            'bulwark_refresh=',
            '__Secure-bulwark_refresh=x',
            'a=b; bulwark_refresh=x; bulwark_refresh=y',
            '=',
            ';;;',
          ),
        ),
        6,
      ),
      origin: rarely(fc.constantFrom('https://evil.test', 'null', 'http://bulwark-adversarial.test', ''), 6),
      forwarded: rarely(fc.constantFrom('1.2.3.4', 'unknown', '::1, 127.0.0.1', 'a'.repeat(300), utf8AsLatin1('ü')), 6),
      auth: rarely(authVariant, 8),
    })
    .map((r) => {
      const headers: Record<string, string> = {};
      if (r.key !== undefined && r.key !== null) headers['idempotency-key'] = r.key;
      if (r.accept !== null) headers.accept = r.accept;
      if (r.extra !== null) headers[`x-fz-${r.extra[0]}`] = r.extra[1];
      if (r.cookie !== null) headers.cookie = r.cookie;
      if (r.origin !== null) headers.origin = r.origin;
      if (r.forwarded !== null) headers['x-forwarded-for'] = r.forwarded;
      if (r.auth !== null) headers.authorization = r.auth;
      return { headers, authFuzzed: r.auth !== null };
    });
}

export const METHOD_VARIANTS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'PROPFIND', 'get', 'TRACE'];

export interface RequestSpec {
  method: string;
  path: string;
  body: BodySpec;
  headers: HeaderSpec;
}

/** One request for `route`: mostly its own method, sometimes another. */
export function requestArb(route: RouteSpec, pools: Pools): fc.Arbitrary<RequestSpec> {
  return fc
    .record({
      method: fc.oneof(
        { weight: 20, arbitrary: fc.constant(route.method) },
        { weight: 1, arbitrary: fc.constantFrom(...METHOD_VARIANTS) },
      ),
      path: pathArb(route, pools),
      query: queryArb(route, pools),
      body: bodyArb(route.body, pools),
      headers: headersArb(route),
    })
    .map(({ method, path, query, body, headers }) => ({ method, path: `${path}${query}`, body, headers }));
}

/** A path that is no route at all. */
export const unroutedPathArb: fc.Arbitrary<string> = fc.oneof(
  fc.array(hostileSegment, { minLength: 1, maxLength: 4 }).map((segs) => `/${segs.join('/')}`),
  fc.array(hostileSegment, { minLength: 1, maxLength: 3 }).map((segs) => `/api/${segs.join('/')}`),
  fc.constantFrom(
    '/',
    '//',
    '/api',
    '/api/',
    '/%2e%2e/etc/passwd',
    '/.env',
    '/.git/config',
    '/docs/../openapi.json',
    '/API/USERS/ME',
    '/api/users/me/',
    '/api//users/me',
    '/*',
    '/api/users/me%00',
  ),
);
