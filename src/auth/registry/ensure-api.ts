import type { RegistryService } from './registry-service.js';

/** A permission an API module declares for itself. */
export interface DeclaredPermission {
  name: string;
  description: string;
}

/**
 * Start-up registration of an API module that runs in this process (payroll, the reference
 * application): the permissions it checks are added to its API in the registry through the
 * service behind PATCH /api/apis/{id}, so they are validated, audited and cached like any team's.
 * Nothing is removed (an administrator may have added more) and nothing is written when every
 * permission is there already, so that a restart or N instances starting together change nothing.
 */
export async function ensureApiPermissions(
  registry: RegistryService,
  identifier: string,
  declared: readonly DeclaredPermission[],
): Promise<void> {
  const api = await registry.apiByIdentifier(identifier);
  const held = new Set(api.permissions.map((p) => p.name));
  const missing = declared.filter((p) => !held.has(p.name));
  if (missing.length === 0) return;
  await registry.updateApi(api.id, { permissions: [...api.permissions, ...missing] }, null);
}
