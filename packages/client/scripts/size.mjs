#!/usr/bin/env node
// The whole client as a browser gets it: dist/index.js bundled and minified by esbuild, then gzipped.
// Run after `npm run build -w @bulwark/client`. Prints the min+gzip size in bytes; exits 1 over budget.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const BUDGET_BYTES = 4096;
const entry = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const result = await build({ entryPoints: [entry], bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2022', write: false });
const code = result.outputFiles[0].contents;
const gzipped = gzipSync(code, { level: 9 }).length;
process.stdout.write(`@bulwark/client: ${code.length} B minified, ${gzipped} B min+gzip (budget ${BUDGET_BYTES} B)\n`);
if (gzipped >= BUDGET_BYTES) process.exit(1);
