import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ServiceUnavailableError } from '../errors/index.js';
import type { HttpModule } from '../http/app.js';
import { ASSET_CACHE, CONSOLE_CSP, CONSOLE_VIEW_PATHS, PAGE_CACHE } from './paths.js';

export interface ConsoleOptions {
  /** The console's build output (packages/console/dist): index.html and assets/. */
  distDir: string;
}

/**
 * The web console at `/`: index.html for `/` and the console's own paths, hashed files under
 * /assets/, all under a strict CSP (no inline script or style, no eval). Without a build, the
 * pages answer a 503 problem that says how to build it; the API is unaffected.
 */
export function consoleModule(options: ConsoleOptions): HttpModule {
  return {
    name: 'console',
    async register(app: FastifyInstance): Promise<void> {
      // Encapsulated: the CSP and cache hooks apply to the console's routes only.
      await app.register(async (scope) => {
        scope.addHook('onSend', async (request, reply) => {
          reply.header('content-security-policy', CONSOLE_CSP);
          if (reply.statusCode < 400)
            reply.header('cache-control', request.url.startsWith('/assets/') ? ASSET_CACHE : PAGE_CACHE);
        });
        registerPages(scope, options.distDir);
        const assets = join(options.distDir, 'assets');
        // Missing assets (console not built): /assets/* answers the API's 404 problem.
        if (existsSync(assets)) {
          await scope.register(fastifyStatic, {
            root: assets,
            prefix: '/assets/',
            decorateReply: false,
            index: false,
            list: false,
            dotfiles: 'deny',
            etag: true,
            lastModified: false,
            cacheControl: false,
            // The build writes .br and .gz beside each asset (packages/console/scripts/precompress.mjs).
            preCompressed: true,
          });
        }
      });
    },
  };
}

function registerPages(scope: FastifyInstance, distDir: string): void {
  const indexFile = join(distDir, 'index.html');
  // Read per request (a few hundred bytes): a rebuild while the server runs is served at once.
  const page = async (_request: unknown, reply: FastifyReply) => {
    let html: Buffer;
    try {
      html = await readFile(indexFile);
    } catch {
      throw new ServiceUnavailableError('console not built', {
        detail: 'The web console is not built: run `npm install` (or `npm run build -w @bulwark/console`) and restart.',
      });
    }
    return reply.type('text/html; charset=utf-8').send(html);
  };
  for (const path of ['/', ...CONSOLE_VIEW_PATHS]) scope.get(path, { schema: { hide: true } }, page);
}
