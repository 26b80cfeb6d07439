import type { RegistryService } from './registry-service.js';

/** A permission an API module declares for itself. */
export interface DeclaredPermission {
  name: string;
  description: string;
}

/** What an API module needs of its API in the registry. */
export interface DeclaredApi {
  /** The permissions it checks. */
  permissions: readonly DeclaredPermission[];
  /** The user attributes its tokens must carry as claims (payroll: the employee link). */
  claims?: readonly string[];
}

/**
 * Start-up registration of an API module that runs in this process (payroll, the reference
 * application): the permissions it checks and the claims it reads are added to its API in the
 * registry through the service behind PATCH /api/apis/{id}, so they are validated, audited and
 * cached like any team's. Nothing is removed (an administrator may have added more) and nothing is
 * written when everything is there already, so that a restart or N instances starting together
 * change nothing.
 */
export async function ensureApi(registry: RegistryService, identifier: string, declared: DeclaredApi): Promise<void> {
  const api = await registry.apiByIdentifier(identifier);
  const held = new Set(api.permissions.map((p) => p.name));
  const missing = declared.permissions.filter((p) => !held.has(p.name));
  const missingClaims = (declared.claims ?? []).filter((c) => !api.claims.includes(c));
  if (missing.length === 0 && missingClaims.length === 0) return;
  await registry.updateApi(
    api.id,
    {
      ...(missing.length === 0 ? {} : { permissions: [...api.permissions, ...missing] }),
      ...(missingClaims.length === 0 ? {} : { claims: [...api.claims, ...missingClaims] }),
    },
    null,
  );
}
