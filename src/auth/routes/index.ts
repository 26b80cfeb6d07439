import type { FastifyInstance } from 'fastify';
import type { AuthServices } from '../services.js';
import { registerAdminRoutes } from './admin.js';
import { registerMeRoutes } from './me.js';
import { registerSessionRoutes } from './sessions.js';
import { registerUserRoutes } from './users.js';
import { registerWellKnownRoutes } from './well-known.js';

export function registerAuthRoutes(app: FastifyInstance, services: AuthServices): void {
  registerWellKnownRoutes(app, services);
  registerSessionRoutes(app, services);
  registerMeRoutes(app, services);
  registerUserRoutes(app, services);
  registerAdminRoutes(app, services);
}
