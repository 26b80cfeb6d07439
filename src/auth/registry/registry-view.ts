import type { ApiRecord, RegistrySnapshot, RoleRecord } from '../../store/types.js';

/**
 * One loaded version of the registry, indexed for the questions issuance and the admin checks
 * ask: an API by identifier or id, a role by name or id, and what a role holds at one API.
 */
export class RegistryView {
  readonly version: number;
  readonly apis: readonly ApiRecord[];
  readonly roles: readonly RoleRecord[];
  readonly #apiByIdentifier = new Map<string, ApiRecord>();
  readonly #apiById = new Map<string, ApiRecord>();
  readonly #roleByName = new Map<string, RoleRecord>();
  readonly #roleById = new Map<string, RoleRecord>();
  /** role id → api id → permission names. */
  readonly #held = new Map<string, Map<string, Set<string>>>();

  constructor(snapshot: RegistrySnapshot) {
    this.version = snapshot.version;
    this.apis = snapshot.apis;
    this.roles = snapshot.roles;
    for (const api of snapshot.apis) {
      this.#apiByIdentifier.set(api.identifier, api);
      this.#apiById.set(api.id, api);
    }
    for (const role of snapshot.roles) {
      this.#roleByName.set(role.name, role);
      this.#roleById.set(role.id, role);
      const byApi = new Map<string, Set<string>>();
      for (const { apiId, permission } of role.permissions) {
        let set = byApi.get(apiId);
        if (set === undefined) byApi.set(apiId, (set = new Set()));
        set.add(permission);
      }
      this.#held.set(role.id, byApi);
    }
  }

  apiByIdentifier(identifier: string): ApiRecord | undefined {
    return this.#apiByIdentifier.get(identifier);
  }

  apiById(id: string): ApiRecord | undefined {
    return this.#apiById.get(id);
  }

  roleByName(name: string): RoleRecord | undefined {
    return this.#roleByName.get(name);
  }

  roleById(id: string): RoleRecord | undefined {
    return this.#roleById.get(id);
  }

  /** The permissions role `roleId` holds at API `apiId` (empty when none, or no such role). */
  heldAt(roleId: string, apiId: string): ReadonlySet<string> {
    return this.#held.get(roleId)?.get(apiId) ?? EMPTY;
  }

  /** Role names of these ids, sorted (ids of deleted roles are skipped). */
  roleNames(roleIds: readonly string[]): string[] {
    return roleIds
      .map((id) => this.#roleById.get(id)?.name)
      .filter((n): n is string => n !== undefined)
      .sort();
  }
}

const EMPTY: ReadonlySet<string> = new Set();
