import type { FastifyInstance } from 'fastify';
import { RequestLimit, type LimiterBackend } from './rate-limit.js';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * One preHandler for every authenticated write (POST/PUT/PATCH/DELETE with verified claims),
 * counted per token `sub`: payroll writes, admin writes, password change, logout. It runs after
 * requireAuth, so anonymous calls (login, refresh) are left to their own limits. Installed once,
 * by the app builder, with the limit the composition root built from the configuration.
 */
export function installWriteLimit(app: FastifyInstance, limit: RequestLimit): void {
  // Callback style: reads (most requests) finish synchronously, without a promise.
  app.addHook('preHandler', (request, _reply, done) => {
    const sub = request.auth?.sub;
    if (!WRITE_METHODS.has(request.method) || sub === undefined) return done();
    limit.hit(sub).then(() => done(), done);
  });
}

/** The per-user write limit on `backend`: one counter name for every process, so one user's
 *  writes count once across a token service and a payroll-only process sharing Redis. */
export function perUserWriteLimit(backend: LimiterBackend, perMinute: number): RequestLimit {
  return new RequestLimit(backend.create({ name: 'write-user', points: perMinute, durationSeconds: 60 }));
}
