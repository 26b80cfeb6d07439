/**
 * The import rules of the architecture (docs/architecture.md), checked by `npm run lint`.
 * Layers, lowest first; a folder may import only from layers below it (and itself):
 *   @bulwark/contract  (the public shapes and the code registry: typebox only)
 *   @bulwark/guard, @bulwark/client  (packages: nothing of the server; the client reads the contract's types only)
 *   config, errors  →  jose  →  store, redis  →  metrics  →  http (the toolkit)  →  auth, payroll, console (modules)
 *   →  compose (the one composition root)  →  cli, exports
 */
const layers = [
  ['config', 'errors'],
  ['jose'],
  ['store', 'redis'],
  // Prometheus metrics: toolkit like http, one step below it, so http records into it and it
  // never needs http (modules report into it; the guard reports through its own hooks).
  ['metrics'],
  ['http'],
  ['auth', 'payroll', 'console'],
  ['compose'],
  ['cli', 'exports'],
];
const above = (index) => layers.slice(index + 1).flat();
const layerRules = layers.flatMap((folders, index) =>
  above(index).length === 0
    ? []
    : folders.map((folder) => ({
        name: `layer-${folder}`,
        comment: `src/${folder} sits below ${above(index).join(', ')}: it must not import them`,
        severity: 'error',
        from: { path: `^src/${folder}/` },
        to: { path: `^src/(${above(index).join('|')})/` },
      })),
);

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'modules-stay-apart',
      comment: 'auth, payroll and the console are mounted side by side by the composition root: none imports another',
      severity: 'error',
      from: { path: '^src/(auth|payroll|console)/' },
      to: { path: '^src/(auth|payroll|console)/', pathNot: ['^src/$1/'] },
    },
    {
      name: 'guard-is-self-contained',
      comment:
        '@bulwark/guard needs node:crypto, lru-cache and (types only) fastify, hono and express: nothing of the server',
      severity: 'error',
      from: { path: '^packages/guard/src/' },
      to: {
        pathNot: [
          '^packages/guard/src/',
          '^node_modules/(lru-cache|fastify|hono|@types/express-serve-static-core)/',
          '^(node:)?[a-z_]+$',
        ],
        dependencyTypesNot: ['core'],
      },
    },
    {
      name: 'contract-is-self-contained',
      comment:
        '@bulwark/contract holds shapes and codes: typebox and itself, nothing of the server or the other packages',
      severity: 'error',
      from: { path: '^packages/contract/src/' },
      to: { pathNot: ['^packages/contract/src/', '^node_modules/typebox/'] },
    },
    {
      name: 'client-has-no-dependencies',
      comment:
        '@bulwark/client runs in browsers with no runtime dependency but the WebAuthn ceremonies (issue #20), which only its passkeys/ folder imports; of the contract it imports types only',
      severity: 'error',
      from: { path: '^packages/client/src/', pathNot: '^packages/client/src/passkeys/' },
      to: { pathNot: ['^packages/client/src/', '^packages/contract/src/'] },
    },
    {
      name: 'client-reads-contract-types-only',
      comment: 'the contract reaches @bulwark/client as types (import type), never as code in its bundle',
      severity: 'error',
      from: { path: '^packages/client/src/' },
      to: { path: '^packages/contract/src/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'client-passkeys-only-webauthn',
      severity: 'error',
      from: { path: '^packages/client/src/passkeys/' },
      to: { pathNot: ['^packages/client/src/', '^packages/contract/src/', '^node_modules/@simplewebauthn/browser/'] },
    },
    {
      name: 'no-circular',
      comment: 'no import cycles between modules',
      severity: 'error',
      from: { path: '^(src|packages/[a-z]+/src)/' },
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: { path: '^(src|packages/[a-z]+/src)/' },
      to: { couldNotResolve: true, pathNot: '^node:' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['bulwark-source', 'import', 'types', 'default'],
      extensions: ['.ts', '.js', '.d.ts'],
    },
  },
};
