import type { FastifyInstance } from 'fastify';
import type { HttpModule } from '../http/app.js';
import { registerAccountAdminRoutes } from './routes/account-admin.js';
import { registerAdminRoutes } from './routes/admin.js';
import { registerClientRoutes } from './routes/clients.js';
import { registerMeRoutes } from './routes/me.js';
import { registerMfaRoutes } from './routes/mfa.js';
import { registerOwnSessionRoutes } from './routes/own-sessions.js';
import { registerOAuthRoutes } from './routes/oauth.js';
import { registerSessionRoutes } from './routes/sessions.js';
import { registerUserRoutes } from './routes/users.js';
import { registerWellKnownRoutes } from './routes/well-known.js';
import type { AuthServices } from './services.js';
import { registerTokenProofHook } from './dpop/token-proof.js';

/** The token service's routes as an app module, mounted like payroll and the console. */
export function authModule(services: AuthServices): HttpModule {
  return {
    name: 'auth',
    async register(app: FastifyInstance) {
      registerTokenProofHook(app, services.verifier);
      registerWellKnownRoutes(app, services);
      registerSessionRoutes(app, services);
      registerMeRoutes(app, services);
      registerUserRoutes(app, services);
      registerAdminRoutes(app, services);
      registerMfaRoutes(app, services);
      registerOwnSessionRoutes(app, services);
      registerAccountAdminRoutes(app, services);
      registerClientRoutes(app, services);
      await registerOAuthRoutes(app, services);
      app.addHook('onClose', () => services.throttles.close());
      app.addHook('onClose', async () => services.oauth.close());
    },
  };
}
