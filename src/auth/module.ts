import cookie from '@fastify/cookie';
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
      // Its own scope: the cookie parser and the token endpoints' DPoP hook run on the token
      // service's routes only, not on every payroll read or health probe.
      await app.register(async (scope) => {
        await scope.register(cookie);
        registerTokenProofHook(scope, services.verifier);
        registerWellKnownRoutes(scope, services);
        registerSessionRoutes(scope, services);
        registerMeRoutes(scope, services);
        registerUserRoutes(scope, services);
        registerAdminRoutes(scope, services);
        registerMfaRoutes(scope, services);
        registerOwnSessionRoutes(scope, services);
        registerAccountAdminRoutes(scope, services);
        registerClientRoutes(scope, services);
        await registerOAuthRoutes(scope, services);
      });
      app.addHook('onClose', () => services.throttles.close());
      app.addHook('onClose', async () => services.oauth.close());
    },
  };
}
