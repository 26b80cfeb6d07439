#!/usr/bin/env node
// The client as a browser first loads it: dist/index.js bundled and minified by esbuild (code
// split, as an app's bundler does), the entry chunk gzipped. The WebAuthn ceremonies
// (@simplewebauthn/browser) are a dynamic import, loaded only when a passkey is used: they are
// reported beside the budget, not in it.
// Run after `npm run build -w @bulwark/client`. Prints the min+gzip size in bytes; exits 1 over budget.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { basename } from 'node:path';

// 4.75 KiB: the account flows (#20), the passkey entry points (#20.5) and the registry calls (#18) joined the first load.
const BUDGET_BYTES = 4864;
const entry = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const result = await build({
  entryPoints: [entry],
  bundle: true,
  splitting: true,
  outdir: 'size-out',
  minify: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  write: false,
});
const gzip = (file) => gzipSync(file.contents, { level: 9 }).length;
const first = result.outputFiles.find((file) => basename(file.path) === 'index.js');
const lazy = result.outputFiles.filter((file) => file !== first).reduce((sum, file) => sum + gzip(file), 0);
const gzipped = gzip(first);
process.stdout.write(
  `@bulwark/client: ${first.contents.length} B minified, ${gzipped} B min+gzip at first load (budget ${BUDGET_BYTES} B); ${lazy} B min+gzip loaded on first passkey use\n`,
);
if (gzipped >= BUDGET_BYTES) process.exit(1);
