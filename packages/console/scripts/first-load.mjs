// After precompress: the first load's weight, the brotli bytes of every script, stylesheet and
// module preload index.html names (the views load later, each in its own chunk). Written to
// dist/first-load.json, printed, and refused over the budget in first-load-budget.json.
import { readFileSync, writeFileSync } from 'node:fs';

const dist = new URL('../dist/', import.meta.url);
const budget = JSON.parse(readFileSync(new URL('../first-load-budget.json', import.meta.url), 'utf8')).maxBrotliBytes;

/** The /assets/ files index.html loads: `<script src>`, `<link rel=stylesheet|modulepreload href>`. */
function firstLoadFiles(html) {
  const files = new Set();
  for (const [, src] of html.matchAll(/<script\b[^>]*\bsrc="\/(assets\/[^"]+)"/g)) files.add(src);
  for (const [tag] of html.matchAll(/<link\b[^>]*>/g)) {
    const href = /\bhref="\/(assets\/[^"]+)"/.exec(tag)?.[1];
    if (href !== undefined && /\brel="(stylesheet|modulepreload)"/.test(tag)) files.add(href);
  }
  return [...files].sort();
}

const files = firstLoadFiles(readFileSync(new URL('index.html', dist), 'utf8'));
const sizes = Object.fromEntries(files.map((file) => [file, readFileSync(new URL(`${file}.br`, dist)).length]));
const brotliBytes = Object.values(sizes).reduce((sum, n) => sum + n, 0);
writeFileSync(new URL('first-load.json', dist), `${JSON.stringify({ brotliBytes, budget, files: sizes }, null, 2)}\n`);
process.stdout.write(`first load: ${brotliBytes} B brotli (${files.length} files; budget ${budget} B)\n`);
if (brotliBytes > budget) {
  process.stderr.write(
    `first load over budget by ${brotliBytes - budget} B: keep views lazy (src/views/index.tsx) or raise first-load-budget.json with a reason\n`,
  );
  process.exit(1);
}
