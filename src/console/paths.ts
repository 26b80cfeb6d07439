import { fileURLToPath } from 'node:url';

/**
 * The console's client-side routes: a reload or a bookmark of one of these must get the app.
 * The list of packages/console/src/router.ts (VIEW_PATHS) and its mailed-link pages (PUBLIC_LINK_PATHS); nothing under /api, /docs or
 * /.well-known ever answers with the app.
 */
export const CONSOLE_VIEW_PATHS = [
  '/payments',
  '/employees',
  '/sessions',
  '/users',
  '/apis',
  '/roles',
  '/keys',
  '/audit',
  '/security',
  '/verify-email',
  '/accept-invitation',
  '/reset-password',
  '/confirm-signup',
] as const;

/** Where `npm run build -w @bulwark/console` writes the app (the same from src/ and dist/). */
export const CONSOLE_DIST_DIR = fileURLToPath(new URL('../../packages/console/dist/', import.meta.url));

/**
 * The console's CSP: its own scripts, styles, images and API only; no inline script or style,
 * no eval, no plugins, no framing, forms post only to this origin.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Hashed file names change with their content: cache them for a year. */
export const ASSET_CACHE = 'public, max-age=31536000, immutable';
/** index.html names the current hashed files: revalidate it on every load. */
export const PAGE_CACHE = 'no-cache';
