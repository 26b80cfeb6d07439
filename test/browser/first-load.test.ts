import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { brotliCompressSync, constants } from 'node:zlib';

const dist = new URL('../../packages/console/dist/', import.meta.url);
const budget = (
  JSON.parse(readFileSync(new URL('../../packages/console/first-load-budget.json', import.meta.url), 'utf8')) as {
    maxBrotliBytes: number;
  }
).maxBrotliBytes;

/** The /assets/ files index.html loads before any view: scripts, stylesheets, module preloads. */
function firstLoadFiles(html: string): string[] {
  const files = new Set<string>();
  for (const [, src] of html.matchAll(/<script\b[^>]*\bsrc="\/(assets\/[^"]+)"/g))
    if (src !== undefined) files.add(src);
  for (const [tag] of html.matchAll(/<link\b[^>]*>/g)) {
    const href = /\bhref="\/(assets\/[^"]+)"/.exec(tag)?.[1];
    if (href !== undefined && /\brel="(stylesheet|modulepreload)"/.test(tag)) files.add(href);
  }
  return [...files].sort();
}

/** Issue #21 item 7: the first load stays small, measured by the build and held here. */
describe('console first load', () => {
  it('the built index.html loads at most the budget in brotli bytes, as the build reported', () => {
    assert.ok(existsSync(new URL('index.html', dist)), 'the console is not built: npm run build -w @bulwark/console');
    const files = firstLoadFiles(readFileSync(new URL('index.html', dist), 'utf8'));
    assert.ok(
      files.some((f) => f.endsWith('.js')) && files.some((f) => f.endsWith('.css')),
      `scripts and styles in ${files.join(', ')}`,
    );
    const bytes = files.reduce(
      (sum, file) =>
        sum +
        brotliCompressSync(readFileSync(new URL(file, dist)), { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } })
          .length,
      0,
    );
    assert.ok(bytes <= budget, `first load ${bytes} B brotli, budget ${budget} B`);
    const reported = JSON.parse(readFileSync(new URL('first-load.json', dist), 'utf8')) as {
      brotliBytes: number;
      files: Record<string, number>;
    };
    assert.deepEqual(Object.keys(reported.files), files);
    assert.equal(reported.brotliBytes, bytes);
  });

  it('views are separate chunks: no view module is in the first load', () => {
    const entry = firstLoadFiles(readFileSync(new URL('index.html', dist), 'utf8')).filter((f) => f.endsWith('.js'));
    const code = entry.map((file) => readFileSync(new URL(file, dist), 'utf8')).join('\n');
    for (const marker of [
      'Pay an employee',
      'Totals per period',
      'Audit log</',
      'Add an employee',
      'Rotate the signing key now?',
    ]) {
      assert.ok(!code.includes(marker), `"${marker}" is in the first load`);
    }
    assert.match(code, /import\(/, 'the views are imported on demand');
  });
});
