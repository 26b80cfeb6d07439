import { randomUUID } from 'node:crypto';
import { BULWARK_API, BULWARK_PERMISSION, REGISTRY_LIMITS } from '@bulwark/contract';
import {
  ApiInUseError,
  BuiltInError,
  ConflictError,
  NotFoundError,
  RegistryLimitError,
  UnknownApiError,
  UnknownPermissionError,
  UnknownRoleError,
} from '../../errors/index.js';
import { decodeCursor, encodeCursor } from '../../store/sql/cursor.js';
import type { ApiRecord, GrantRecord, Page, PageRequest, RoleRecord, Store } from '../../store/types.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { RevocationService } from '../revocation/revocation-service.js';
import type { RegistryCache } from './registry-cache.js';
import {
  accessTokenTtl,
  apiClaims,
  apiIdentifier,
  apiName,
  apiPermissions,
  registryDescription,
  roleName,
} from './registry-input.js';
import type { RegistryView } from './registry-view.js';

/** What an admin gives to register an API (the CLI's flags or POST /api/apis). */
export interface NewApi {
  identifier: string;
  name: string;
  permissions?: ReadonlyArray<{ name: string; description?: string | undefined }> | undefined;
  accessTokenTtlSeconds?: number | null | undefined;
  claims?: readonly string[] | undefined;
}

export type ApiChange = Partial<Omit<NewApi, 'identifier'>>;

/** A role's permission as an admin names it: the API by its identifier. */
export interface NamedGrant {
  api: string;
  permission: string;
}

export interface NewRole {
  name: string;
  description?: string | undefined;
  permissions?: readonly NamedGrant[] | undefined;
}

export type RoleChange = Partial<Omit<NewRole, 'name'>>;

/** A new client's grants, checked (planClientGrants) before the client is stored. */
export interface ClientGrantPlan {
  newApis: Array<{ identifier: string; permissions: string[] }>;
  grants: NamedGrant[];
}

/** Ends a user's sessions (SessionService.revokeAllSessions): what a role change does today. */
export type EndSessions = (userId: string, reason: string) => Promise<number>;

export interface RegistrySettings {
  /** BULWARK_AUDIENCE: the default API's identifier. */
  audience: string;
  accessTokenTtlSeconds: number;
}

/** The legacy roles, highest privilege first: users.role mirrors the first of them a user holds. */
const LEGACY_ROLES = ['admin', 'clerk', 'employee'] as const;

/**
 * The API registry's administration: APIs and their permissions, roles and theirs, and which
 * roles each user holds. Every change is audited, reloads this instance's registry at once, and
 * a change to what a user may do (their roles, a role's permissions, a role's deletion) revokes
 * the affected users' live tokens as a role change always has.
 */
export class RegistryService {
  constructor(
    private readonly store: Store,
    readonly cache: RegistryCache,
    private readonly endSessions: EndSessions,
    private readonly revocations: RevocationService,
    private readonly audit: AuditLog,
    private readonly settings: RegistrySettings,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Start-up: users an older release's instance created while the others rolled (roles_adopted 0)
   * get their legacy role; the default API takes BULWARK_AUDIENCE as its identifier when the migration named
   * it otherwise (it wrote `payroll`, or the audience a client held), unless another API has it.
   */
  async init(): Promise<void> {
    await this.store.registry.adoptLegacyUsers();
    const view = await this.cache.reload();
    const byDefault = view.apis.find((a) => a.builtIn === 'default');
    if (
      byDefault !== undefined &&
      byDefault.identifier !== this.settings.audience &&
      view.apiByIdentifier(this.settings.audience) === undefined
    ) {
      try {
        await this.store.registry.updateApi(byDefault.id, {
          identifier: this.settings.audience,
          updatedAt: this.now(),
        });
      } catch (error) {
        // Another instance starting at the same time re-keyed it (or registered that identifier) first.
        if (!(error instanceof ConflictError)) throw error;
      }
      await this.cache.reload();
    }
  }

  // ---- APIs ----

  async listApis(page: PageRequest): Promise<Page<ApiRecord>> {
    return pageOf((await this.cache.current()).apis, page);
  }

  async getApi(id: string): Promise<ApiRecord> {
    const api = (await this.cache.current()).apiById(id);
    if (api === undefined) throw new NotFoundError('api');
    return api;
  }

  /** The API of an identifier (the CLI names APIs so), or NotFoundError. */
  async apiByIdentifier(identifier: string): Promise<ApiRecord> {
    const api = (await this.cache.current()).apiByIdentifier(identifier);
    if (api === undefined) throw new NotFoundError('api');
    return api;
  }

  async createApi(input: NewApi, actorId: string | null): Promise<ApiRecord> {
    const now = this.now();
    const api: ApiRecord = {
      id: `api_${randomUUID()}`,
      identifier: apiIdentifier(input.identifier, this.settings.audience),
      name: apiName(input.name),
      permissions: apiPermissions(input.permissions ?? []),
      accessTokenTtlSeconds: accessTokenTtl(input.accessTokenTtlSeconds ?? null, this.settings.accessTokenTtlSeconds),
      claims: apiClaims(input.claims ?? []),
      builtIn: null,
      createdAt: now,
      updatedAt: now,
    };
    const view = await this.cache.current();
    if (view.apis.length >= REGISTRY_LIMITS.apis)
      throw new RegistryLimitError('too many apis', {
        detail: `The registry holds at most ${REGISTRY_LIMITS.apis} APIs.`,
      });
    await this.store.registry.createApi(api);
    await this.cache.reload();
    await this.audit.record('api.created', {
      actorId,
      targetId: api.id,
      details: { identifier: api.identifier, permissions: api.permissions.map((p) => p.name), claims: api.claims },
    });
    return api;
  }

  async updateApi(id: string, change: ApiChange, actorId: string | null): Promise<ApiRecord> {
    const before = await this.getApi(id);
    const permissions = change.permissions === undefined ? undefined : apiPermissions(change.permissions);
    if (before.builtIn === 'bulwark' && permissions !== undefined)
      throw new BuiltInError('bulwark api permissions', {
        detail: "The permissions of Bulwark's own API are fixed: its endpoints check them.",
      });
    if (permissions !== undefined) {
      const removed = before.permissions.map((p) => p.name).filter((n) => !permissions.some((p) => p.name === n));
      const use = await this.store.registry.apiUse(id, removed);
      if (use.roles + use.clients > 0)
        throw new ApiInUseError('permission in use', {
          detail: `${use.roles} role(s) and ${use.clients} client(s) still hold a permission this change removes (${removed.join(', ')}).`,
        });
    }
    const patch = {
      ...(change.name === undefined ? {} : { name: apiName(change.name) }),
      ...(permissions === undefined ? {} : { permissions }),
      ...(change.accessTokenTtlSeconds === undefined
        ? {}
        : { accessTokenTtlSeconds: accessTokenTtl(change.accessTokenTtlSeconds, this.settings.accessTokenTtlSeconds) }),
      ...(change.claims === undefined ? {} : { claims: apiClaims(change.claims) }),
    };
    if (!(await this.store.registry.updateApi(id, { ...patch, updatedAt: this.now() }))) throw new NotFoundError('api');
    const after = (await this.cache.reload()).apiById(id);
    if (after === undefined) throw new NotFoundError('api');
    await this.audit.record('api.updated', { actorId, targetId: id, details: { changed: Object.keys(patch).sort() } });
    return after;
  }

  async deleteApi(id: string, actorId: string | null): Promise<void> {
    const api = await this.getApi(id);
    if (api.builtIn !== null)
      throw new BuiltInError('built-in api', {
        detail: "Bulwark's own API and the default API (BULWARK_AUDIENCE) cannot be deleted.",
      });
    const use = await this.store.registry.apiUse(id);
    if (use.roles + use.clients > 0)
      throw new ApiInUseError('api in use', {
        detail: `${use.roles} role(s) and ${use.clients} client(s) still hold permissions of this API: remove them first.`,
      });
    if (!(await this.store.registry.deleteApi(id))) throw new NotFoundError('api');
    await this.cache.reload();
    await this.audit.record('api.deleted', { actorId, targetId: id, details: { identifier: api.identifier } });
  }

  // ---- roles ----

  async listRoles(page: PageRequest): Promise<Page<RoleRecord>> {
    return pageOf((await this.cache.current()).roles, page);
  }

  async getRole(id: string): Promise<RoleRecord> {
    const role = (await this.cache.current()).roleById(id);
    if (role === undefined) throw new NotFoundError('role');
    return role;
  }

  async roleByName(name: string): Promise<RoleRecord> {
    const role = (await this.cache.current()).roleByName(name);
    if (role === undefined) throw new NotFoundError('role');
    return role;
  }

  async createRole(input: NewRole, actorId: string | null): Promise<RoleRecord> {
    const view = await this.cache.current();
    if (view.roles.length >= REGISTRY_LIMITS.roles)
      throw new RegistryLimitError('too many roles', {
        detail: `The registry holds at most ${REGISTRY_LIMITS.roles} roles.`,
      });
    const now = this.now();
    const role: RoleRecord = {
      id: `role_${randomUUID()}`,
      name: roleName(input.name),
      description: registryDescription(input.description),
      permissions: grantsOf(view, input.permissions ?? []),
      builtIn: false,
      createdAt: now,
      updatedAt: now,
    };
    await this.store.registry.createRole(role);
    await this.cache.reload();
    await this.audit.record('role.created', {
      actorId,
      targetId: role.id,
      details: { name: role.name, permissions: namedGrants(view, role.permissions) },
    });
    return role;
  }

  async updateRole(id: string, change: RoleChange, actorId: string | null): Promise<RoleRecord> {
    const before = await this.getRole(id);
    const view = await this.cache.current();
    const permissions = change.permissions === undefined ? undefined : grantsOf(view, change.permissions);
    if (before.name === 'admin' && permissions !== undefined)
      throw new BuiltInError('admin role permissions', {
        detail: 'The admin role keeps every permission: create another role for a narrower set.',
      });
    const patch = {
      ...(change.description === undefined ? {} : { description: registryDescription(change.description) }),
      ...(permissions === undefined ? {} : { permissions }),
    };
    if (!(await this.store.registry.updateRole(id, { ...patch, updatedAt: this.now() })))
      throw new NotFoundError('role');
    const after = (await this.cache.reload()).roleById(id);
    if (after === undefined) throw new NotFoundError('role');
    const changed = permissions !== undefined && !sameGrants(before.permissions, permissions);
    const revoked = changed ? await this.#revokeHolders(id, 'role_changed') : 0;
    await this.audit.record('role.updated', {
      actorId,
      targetId: id,
      details: {
        name: after.name,
        changed: Object.keys(patch).sort(),
        ...(changed ? { permissions: namedGrants(view, after.permissions) } : {}),
        users_revoked: revoked,
      },
    });
    return after;
  }

  async deleteRole(id: string, actorId: string | null): Promise<void> {
    const role = await this.getRole(id);
    if (role.builtIn)
      throw new BuiltInError('built-in role', { detail: 'The roles admin, clerk and employee cannot be deleted.' });
    const holders = await this.store.registry.roleHolders(id);
    if (!(await this.store.registry.deleteRole(id))) throw new NotFoundError('role');
    await this.cache.reload();
    for (const userId of holders) await this.#revokeUser(userId, 'role_changed');
    await this.audit.record('role.deleted', {
      actorId,
      targetId: id,
      details: { name: role.name, users_revoked: holders.length },
    });
  }

  // ---- clients' grants ----

  /**
   * What a new client's scope and audiences grant, checked before the client is stored:
   * `ssf:poll` at Bulwark's API; each other scope at each audience that declares it. An audience
   * no API has yet is registered (named after its identifier) with the client's scopes that none
   * of its registered audiences declares, as client registration always let an admin name
   * another API by its audience. A scope no audience ends up declaring is refused.
   */
  async planClientGrants(scopes: readonly string[], audiences: readonly string[]): Promise<ClientGrantPlan> {
    const view = await this.cache.current();
    const registered = audiences.map((a) => view.apiByIdentifier(a)).filter((a): a is ApiRecord => a !== undefined);
    const declared = new Set(registered.flatMap((a) => a.permissions.map((p) => p.name)));
    const ordinary = scopes.filter((s) => s !== BULWARK_PERMISSION['ssf:poll']);
    const missing = audiences.filter((a) => view.apiByIdentifier(a) === undefined);
    const newPermissions = ordinary.filter((s) => !declared.has(s));
    if (missing.length === 0 && newPermissions.length > 0)
      throw new UnknownPermissionError('client scope not declared', {
        detail: `No audience of this client declares ${newPermissions.join(', ')}: add it to the API's permissions first.`,
      });
    if (view.apis.length + missing.length > REGISTRY_LIMITS.apis)
      throw new RegistryLimitError('too many apis', {
        detail: `The registry holds at most ${REGISTRY_LIMITS.apis} APIs.`,
      });
    return {
      newApis: missing.map((identifier) => ({ identifier, permissions: newPermissions })),
      grants: [
        ...(scopes.includes(BULWARK_PERMISSION['ssf:poll'])
          ? [{ api: BULWARK_API, permission: BULWARK_PERMISSION['ssf:poll'] }]
          : []),
        ...registered.flatMap((api) =>
          ordinary
            .filter((s) => api.permissions.some((p) => p.name === s))
            .map((s) => ({ api: api.identifier, permission: s })),
        ),
        ...missing.flatMap((api) => newPermissions.map((permission) => ({ api, permission }))),
      ],
    };
  }

  /** Stores a checked plan for the client (after the client itself). */
  async grantClient(clientId: string, plan: ClientGrantPlan, actorId: string | null): Promise<void> {
    for (const api of plan.newApis) {
      const existing = (await this.cache.current()).apiByIdentifier(api.identifier);
      if (existing === undefined)
        await this.createApi(
          {
            identifier: api.identifier,
            name: api.identifier.slice(0, REGISTRY_LIMITS.nameLength),
            permissions: api.permissions.map((name) => ({ name })),
          },
          actorId,
        );
    }
    const view = await this.cache.current();
    const grants: GrantRecord[] = [];
    for (const { api, permission } of plan.grants) {
      const record = view.apiByIdentifier(api);
      if (record !== undefined && record.permissions.some((p) => p.name === permission))
        grants.push({ apiId: record.id, permission });
    }
    await this.store.registry.setClientGrants(clientId, grants);
  }

  /** The client's grants, by API identifier. */
  async clientGrants(clientId: string): Promise<NamedGrant[]> {
    const [view, grants] = await Promise.all([this.cache.current(), this.store.registry.clientGrants(clientId)]);
    return namedGrants(view, grants);
  }

  // ---- users' roles ----

  /** The user's role names, sorted. */
  async userRoles(userId: string): Promise<string[]> {
    const [view, ids] = await Promise.all([this.cache.current(), this.store.registry.userRoleIds(userId)]);
    return view.roleNames(ids);
  }

  /** Role names of these role ids (read with the user: UsersStore.findByIdWithRoleIds), sorted. */
  async roleNames(roleIds: readonly string[]): Promise<string[]> {
    return (await this.cache.current()).roleNames(roleIds);
  }

  /** Role names of several users at once (lists). */
  async usersRoles(userIds: readonly string[]): Promise<Map<string, string[]>> {
    const [view, ids] = await Promise.all([this.cache.current(), this.store.registry.usersRoleIds(userIds)]);
    return new Map([...ids].map(([userId, roleIds]) => [userId, view.roleNames(roleIds)]));
  }

  /**
   * Replaces the user's roles. The legacy `users.role` follows the highest legacy role among
   * them (when there is none it stays, and means nothing: tokens' roles come from these). A
   * change ends the user's sessions and revokes their tokens.
   */
  async setUserRoles(userId: string, names: readonly string[], actorId: string | null): Promise<string[]> {
    if (names.length > REGISTRY_LIMITS.rolesPerUser)
      throw new UnknownRoleError('too many roles', {
        detail: `A user holds at most ${REGISTRY_LIMITS.rolesPerUser} roles.`,
      });
    const user = await this.store.users.findById(userId);
    if (user === undefined) throw new NotFoundError('user');
    const view = await this.cache.current();
    const wanted = [...new Set(names)].sort();
    const unknown = wanted.filter((n) => view.roleByName(n) === undefined);
    if (unknown.length > 0)
      throw new UnknownRoleError('unknown role', {
        detail: `No role is named ${unknown.map((n) => `"${n.slice(0, 64)}"`).join(', ')}.`,
      });
    const before = view.roleNames(await this.store.registry.userRoleIds(userId));
    if (sameList(before, wanted)) return before;
    if (actorId === userId)
      throw new ConflictError('admin tried to change their own roles', { detail: 'You cannot change your own roles.' });
    const legacy = LEGACY_ROLES.find((r) => wanted.includes(r));
    await this.store.registry.setUserRoles(
      userId,
      wanted.map((n) => (view.roleByName(n) as RoleRecord).id),
      legacy,
    );
    const sessionsRevoked = await this.#revokeUser(userId, 'role_changed');
    await this.audit.record('user.roles_changed', {
      actorId,
      targetId: userId,
      details: { from: before, to: wanted, sessions_revoked: sessionsRevoked },
    });
    return wanted;
  }

  async #revokeHolders(roleId: string, reason: string): Promise<number> {
    const holders = await this.store.registry.roleHolders(roleId);
    for (const userId of holders) await this.#revokeUser(userId, reason);
    return holders.length;
  }

  async #revokeUser(userId: string, reason: string): Promise<number> {
    const sessions = await this.endSessions(userId, reason);
    await this.revocations.revokeUser(userId, reason);
    return sessions;
  }
}

/** The grants a role asks for, by API id; refuses an unknown API or permission, or too many. */
function grantsOf(view: RegistryView, named: readonly NamedGrant[]): GrantRecord[] {
  if (named.length > REGISTRY_LIMITS.permissionsPerRole)
    throw new UnknownPermissionError('too many permissions', {
      detail: `A role holds at most ${REGISTRY_LIMITS.permissionsPerRole} permissions.`,
    });
  const grants = new Map<string, GrantRecord>();
  for (const { api: identifier, permission } of named) {
    const api = view.apiByIdentifier(identifier);
    if (api === undefined)
      throw new UnknownApiError('unknown api', { detail: `No API has the identifier "${identifier.slice(0, 200)}".` });
    if (!api.permissions.some((p) => p.name === permission))
      throw new UnknownPermissionError('unknown permission', {
        detail: `The API "${identifier.slice(0, 200)}" has no permission "${permission.slice(0, 100)}".`,
      });
    grants.set(`${api.id} ${permission}`, { apiId: api.id, permission });
  }
  return [...grants.values()].sort((a, b) => `${a.apiId} ${a.permission}`.localeCompare(`${b.apiId} ${b.permission}`));
}

function namedGrants(view: RegistryView, grants: readonly GrantRecord[]): NamedGrant[] {
  return grants.map((g) => ({ api: view.apiById(g.apiId)?.identifier ?? g.apiId, permission: g.permission }));
}

function sameGrants(a: readonly GrantRecord[], b: readonly GrantRecord[]): boolean {
  const key = (g: GrantRecord): string => `${g.apiId} ${g.permission}`;
  return sameList(a.map(key).sort(), b.map(key).sort());
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Keyset pages over a list held in memory, ordered by createdAt then id (as the store's lists). */
function pageOf<T extends { createdAt: number; id: string }>(all: readonly T[], page: PageRequest): Page<T> {
  const sorted = [...all].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  let start = 0;
  if (page.cursor !== undefined) {
    const [at, id] = decodeCursor(page.cursor);
    start = sorted.findIndex((x) => x.createdAt > at || (x.createdAt === at && x.id > id));
    if (start === -1) start = sorted.length;
  }
  const items = sorted.slice(start, start + page.limit);
  const last = items[items.length - 1];
  const more = start + page.limit < sorted.length;
  return { items, nextCursor: more && last !== undefined ? encodeCursor([last.createdAt, last.id]) : null };
}
