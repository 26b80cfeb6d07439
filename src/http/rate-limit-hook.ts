import type { FastifyInstance } from 'fastify';
import { memoryBackend, RequestLimit } from './rate-limit.js';

const DECORATION = 'bulwarkWriteLimit';
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Per-user writes when nobody configured the limit (a payroll-only process): 120 per minute. */
export const DEFAULT_WRITE_LIMIT = { points: 120, durationSeconds: 60 };

/**
 * One preHandler for every authenticated write (POST/PUT/PATCH/DELETE with verified claims),
 * counted per token `sub`: payroll writes, admin writes, password change, logout. It runs after
 * requireAuth, so anonymous calls (login, refresh) are left to their own limits.
 * Idempotent: the first installation on an app wins (the token service installs its configured
 * limit before the resource modules mount; a module alone installs the default).
 */
export function installWriteLimit(app: FastifyInstance, limit: RequestLimit = defaultWriteLimit()): void {
  if (app.hasDecorator(DECORATION)) return;
  app.decorate(DECORATION, limit);
  app.addHook('preHandler', async (request) => {
    if (!WRITE_METHODS.has(request.method)) return;
    const sub = request.auth?.sub;
    if (sub === undefined) return;
    await limit.hit(sub);
  });
}

function defaultWriteLimit(): RequestLimit {
  return new RequestLimit(memoryBackend().create({ name: 'write', ...DEFAULT_WRITE_LIMIT }));
}
