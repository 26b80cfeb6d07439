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
      // Its own scope: the token routes' request decoration stays on the token service's routes,
      // not on every payroll read or health probe.
      await app.register(async (scope) => {
        declareTokenProof(scope);
        // The routes that set, read or clear the refresh cookie, and only they, pay for the
        // cookie parser's hooks (an onRequest and an onSend on every request of its scope).
        await scope.register(async (withCookies) => {
          await withCookies.register(cookie);
          registerSessionRoutes(withCookies, services);
          registerMfaRoutes(withCookies, services);
          registerPasskeySignInRoutes(withCookies, services);
        });
        registerWellKnownRoutes(scope, services);
        registerMeRoutes(scope, services);
        registerUserRoutes(scope, services);
        registerAdminSessionRoutes(scope, services);
        registerKeyRoutes(scope, services);
        registerAuditRoutes(scope, services);
        registerPasskeyRoutes(scope, services);
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
