import { defaultClientConditions, defineConfig } from 'vite';

/**
 * The console is a static bundle the server serves under a strict CSP: hashed files under
 * /assets/, no inline script or style, nothing inlined as a data: URL, no source maps.
 * `bulwark-source` makes `@bulwark/client` resolve to its TypeScript source, so the console
 * builds without the client being built first.
 */
export default defineConfig({
  base: '/',
  resolve: { conditions: ['bulwark-source', ...defaultClientConditions] },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    assetsInlineLimit: 0,
    sourcemap: false,
    target: 'es2022',
    modulePreload: { polyfill: false },
  },
});
