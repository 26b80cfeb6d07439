import cookie from '@fastify/cookie';
import type { FastifyInstance } from 'fastify';
import type { HttpModule } from '../http/app.js';
import { registerAccountAdminRoutes } from './account-admin/routes.js';
import { registerAdminSessionRoutes } from './sessions/admin-routes.js';
import { registerAuditRoutes } from './audit/routes.js';
import { registerKeyRoutes } from './keys/routes.js';
import { registerClientRoutes } from './clients/routes.js';
import { registerMeRoutes } from './users/me-routes.js';
import { registerMfaRoutes } from './mfa/routes.js';
import { registerOwnSessionRoutes } from './sessions/own-sessions-routes.js';
import { registerPasskeyRoutes } from './passkeys/routes.js';
import { registerPasskeySignInRoutes } from './passkeys/sign-in-routes.js';
import { registerUserPasskeyRoutes } from './passkeys/admin-routes.js';
import { registerOAuthRoutes } from './oauth/routes.js';
import { registerSelfServiceRoutes } from './self-service/routes.js';
import { registerSessionRoutes } from './sessions/routes.js';
import { registerUserRoutes } from './users/routes.js';
import { registerApiRoutes } from './registry/api-routes.js';
import { registerRoleRoutes } from './registry/role-routes.js';
import { registerWellKnownRoutes } from './oauth/well-known-routes.js';
import type { AuthServices } from './services.js';
import { declareTokenProof } from './dpop/token-proof.js';

/** The token service's routes as an app module, mounted like payroll and the console. */
export function authModule(services: AuthServices): HttpModule {
  return {
    name: 'auth',
    async register(app: FastifyInstance) {
      // Its own scope: the cookie parser and the token routes' request decoration stay on the
      // token service's routes, not on every payroll read or health probe.
      await app.register(async (scope) => {
        await scope.register(cookie);
        declareTokenProof(scope);
        registerWellKnownRoutes(scope, services);
        registerSessionRoutes(scope, services);
        registerMeRoutes(scope, services);
        registerUserRoutes(scope, services);
        registerAdminSessionRoutes(scope, services);
        registerKeyRoutes(scope, services);
        registerAuditRoutes(scope, services);
        registerMfaRoutes(scope, services);
        registerPasskeyRoutes(scope, services);
        registerPasskeySignInRoutes(scope, services);
        registerUserPasskeyRoutes(scope, services);
        registerOwnSessionRoutes(scope, services);
        registerAccountAdminRoutes(scope, services);
        registerSelfServiceRoutes(scope, services);
        registerClientRoutes(scope, services);
        registerApiRoutes(scope, services);
        registerRoleRoutes(scope, services);
        await registerOAuthRoutes(scope, services);
      });
      app.addHook('onClose', () => services.throttles.close());
      app.addHook('onClose', async () => services.oauth.close());
    },
  };
}
