import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError } from '../../errors/index.js';
import { ROLES, type Page, type PageRequest, type Role, type Store, type UserRecord } from '../../store/types.js';
import type { AuditLog } from '../audit/audit-log.js';
import { assertAcceptablePassword, hashPassword } from '../passwords/passwords.js';
import type { RevocationService } from '../revocation/revocation-service.js';
import type { SessionService } from '../sessions/session-service.js';
import {
  assertEmployeeExists,
  assertLinkIsText,
  employeeLinkOf,
  withEmployeeLink,
  type EmployeeDirectory,
} from './employee-directory.js';
import { validUsername } from './usernames.js';
import type { User } from '@bulwark/contract/types';
import { toUserView } from '../common/views.js';
import { legacyRoleId } from '../../store/legacy-roles.js';
import type { RegistryService } from '../registry/registry-service.js';
import { userAttributes } from '../registry/registry-input.js';
import { EMPLOYEE_LINK_ATTRIBUTE } from '@bulwark/contract';

export interface NewUser {
  username: string;
  password: string;
  role: Role;
  /** The payroll employee record the user is: stored as their attribute `employee_id`. */
  employeeId?: string | null | undefined;
  /** Admin-set attributes (invitations carry them to the account); the link is one of them. */
  attributes?: Record<string, unknown> | undefined;
  /** Normalised; set by invitations and sign-up, whose link proved it (emailVerifiedAt). */
  email?: string | null | undefined;
  emailVerifiedAt?: number | null | undefined;
}

export interface UserChange {
  role?: Role | undefined;
  disabled?: boolean | undefined;
  /** The payroll employee record the user is (their attribute `employee_id`); null clears the link. */
  employeeId?: string | null | undefined;
  /**
   * Replaces the user's attributes (validated: names, values, size), the link among them unless
   * `employeeId` is given as well.
   */
  attributes?: Record<string, unknown> | undefined;
}

export class UserService {
  constructor(
    private readonly store: Store,
    private readonly sessions: SessionService,
    private readonly revocations: RevocationService,
    private readonly audit: AuditLog,
    private readonly now: () => number = Date.now,
    /** Checks employee links; undefined (no payroll tables to ask) leaves them unchecked. */
    private readonly employees?: EmployeeDirectory,
    /** The roles users hold (views, the legacy role's place among them). */
    private readonly registry?: RegistryService,
  ) {}

  /** The API's view of a user, with the roles they hold. */
  async view(user: UserRecord): Promise<User> {
    return toUserView(user, this.registry === undefined ? [user.role] : await this.registry.userRoles(user.id));
  }

  /** The view of the user with this id, the user and their roles read in one statement. */
  async viewById(id: string): Promise<User | undefined> {
    return (await this.viewWithRoleIds(id))?.view;
  }

  /** The user's view and the ids of the roles it names, read together (not read without the registry). */
  async viewWithRoleIds(id: string): Promise<{ view: User; roleIds?: readonly string[] } | undefined> {
    if (this.registry === undefined) {
      const user = await this.store.users.findById(id);
      return user === undefined ? undefined : { view: toUserView(user, [user.role]) };
    }
    const found = await this.store.users.findByIdWithRoleIds(id);
    if (found === undefined) return undefined;
    return { view: toUserView(found.user, await this.registry.roleNames(found.roleIds)), roleIds: found.roleIds };
  }

  /** Views of several users, their roles read at once. */
  async views(users: readonly UserRecord[]): Promise<User[]> {
    if (this.registry === undefined) return users.map((u) => toUserView(u, [u.role]));
    const roles = await this.registry.usersRoles(users.map((u) => u.id));
    return users.map((u) => toUserView(u, roles.get(u.id) ?? []));
  }

  /** Refuses an `employee_id` that names no employee record (invalid_request). */
  assertEmployee(employeeId: string | null | undefined): Promise<void> {
    return assertEmployeeExists(this.employees, employeeId);
  }

  async create(input: NewUser, actorId: string | null): Promise<UserRecord> {
    const username = validUsername(input.username);
    assertAcceptablePassword(input.password, username);
    await this.assertEmployee(employeeLinkOf({ attributes: attributesOf(input) }));
    return this.createWithHash({ ...input, username, passwordHash: await hashPassword(input.password) }, actorId);
  }

  /** A user whose password was checked and hashed already (a sign-up confirmed by its link). */
  async createWithHash(
    input: Omit<NewUser, 'password'> & { passwordHash: string },
    actorId: string | null,
  ): Promise<UserRecord> {
    const username = validUsername(input.username);
    const now = this.now();
    const attributes = attributesOf(input);
    const user: UserRecord = {
      id: randomUUID(),
      username,
      passwordHash: input.passwordHash,
      role: input.role,
      disabled: false,
      createdAt: now,
      updatedAt: now,
      passwordChangedAt: now,
      mustChangePassword: false,
      email: input.email ?? null,
      emailVerifiedAt: input.emailVerifiedAt ?? null,
      attributes,
    };
    await this.store.users.create(user);
    await this.audit.record('user.created', {
      actorId,
      targetId: user.id,
      details: { role: user.role, linked_employee: employeeLinkOf(user) !== null },
    });
    return user;
  }

  async get(id: string): Promise<UserRecord> {
    const user = await this.store.users.findById(id);
    if (user === undefined) throw new NotFoundError('user');
    return user;
  }

  list(page: PageRequest): Promise<Page<UserRecord>> {
    return this.store.users.list(page);
  }

  /**
   * Role changes, disabling and a changed employee link end every session of the user at once: a demoted admin must not
   * keep admin tokens for the rest of their lifetime. Admins cannot demote or disable themselves
   * (that is how a company locks itself out).
   */
  async update(id: string, change: UserChange, actorId: string | null): Promise<UserRecord> {
    const before = await this.get(id);
    // The legacy role is one of the user's roles: setting it replaces the legacy one among them
    // (0012_registry) and keeps the others. It changes something when the mirror differs or the
    // roles held are not already exactly that (a PUT …/roles may have dropped it).
    const held = change.role === undefined ? [] : await this.store.registry.userRoleIds(id);
    const wantedRoles =
      change.role === undefined ? [] : [...held.filter((r) => !LEGACY_ROLE_IDS.has(r)), legacyRoleId(change.role)];
    const roleChanged = change.role !== undefined && (change.role !== before.role || !sameSet(held, wantedRoles));
    const disabling = change.disabled === true && !before.disabled;
    if (actorId === id && (roleChanged || disabling)) {
      throw new ConflictError('admin tried to demote or disable themselves', {
        detail: 'You cannot change your own role or disable your own account.',
      });
    }
    const attributes = this.#attributesAfter(before, change);
    if (attributes !== undefined) {
      const link = employeeLinkOf({ attributes });
      if (link !== employeeLinkOf(before)) await this.assertEmployee(link);
    }
    if (roleChanged && change.role !== undefined) await this.store.registry.setUserRoles(id, wantedRoles, change.role);
    const after = await this.store.users.update(id, {
      role: change.role,
      disabled: change.disabled,
      attributes,
      updatedAt: this.now(),
    });
    if (after === undefined) throw new NotFoundError('user');
    let sessionsRevoked = 0;
    // Payroll's tokens carry employee_id, and payroll scopes an employee's reads by it: a changed
    // link ends the old tokens too, so nobody keeps seeing the pay of a record they were unlinked from.
    const linkChanged = employeeLinkOf(before) !== employeeLinkOf(after);
    // Attributes become claims: tokens carrying the old values end too.
    const attributesChanged = JSON.stringify(before.attributes ?? {}) !== JSON.stringify(after.attributes ?? {});
    if (roleChanged || disabling || linkChanged || attributesChanged) {
      const reason = disabling
        ? 'user_disabled'
        : roleChanged
          ? 'role_changed'
          : linkChanged
            ? 'employee_link_changed'
            : 'attributes_changed';
      sessionsRevoked = await this.sessions.revokeAllSessions(id, reason);
      await this.revocations.revokeUser(id, reason);
    }
    await this.audit.record('user.updated', {
      actorId,
      targetId: id,
      details: { changes: diff(before, after), sessions_revoked: sessionsRevoked },
    });
    return after;
  }

  /** The attributes a change leaves (validated), the link set by `employeeId` if given; undefined: unchanged. */
  #attributesAfter(before: UserRecord, change: UserChange): Record<string, unknown> | undefined {
    if (change.attributes === undefined && change.employeeId === undefined) return undefined;
    const replaced = change.attributes === undefined ? (before.attributes ?? {}) : change.attributes;
    const attributes = userAttributes(
      change.employeeId === undefined ? replaced : withEmployeeLink(replaced, change.employeeId),
    );
    assertLinkIsText(attributes);
    return attributes;
  }

  /** For the CLI: the user of a username, or NotFoundError. */
  async getByUsername(username: string): Promise<UserRecord> {
    const user = await this.store.users.findByUsername(validUsername(username));
    if (user === undefined) throw new NotFoundError('user');
    return user;
  }

  /** For the CLI: disable by username. */
  async disableByUsername(username: string, actorId: string | null): Promise<UserRecord> {
    const user = await this.store.users.findByUsername(validUsername(username));
    if (user === undefined) throw new NotFoundError('user');
    return this.update(user.id, { disabled: true }, actorId);
  }
}

/** A new user's attributes: those given, the link set by `employeeId` when given. */
function attributesOf(input: Pick<NewUser, 'attributes' | 'employeeId'>): Record<string, unknown> {
  return input.employeeId === undefined
    ? { ...input.attributes }
    : withEmployeeLink(input.attributes, input.employeeId);
}

const LEGACY_ROLE_IDS: ReadonlySet<string> = new Set(ROLES.map(legacyRoleId));

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && b.every((x) => a.includes(x));
}

function diff(before: UserRecord, after: UserRecord): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  if (before.role !== after.role) changes.role = { from: before.role, to: after.role };
  if (before.disabled !== after.disabled) changes.disabled = { from: before.disabled, to: after.disabled };
  const [linkWas, linkNow] = [employeeLinkOf(before), employeeLinkOf(after)];
  if (linkWas !== linkNow) changes.employee_id = { from: linkWas, to: linkNow };
  // Names only: attribute values may be personal data. The link is shown above, by record id.
  const was = before.attributes ?? {};
  const now = after.attributes ?? {};
  const names = [...new Set([...Object.keys(was), ...Object.keys(now)])].filter(
    (k) => k !== EMPLOYEE_LINK_ATTRIBUTE && JSON.stringify(was[k]) !== JSON.stringify(now[k]),
  );
  if (names.length > 0) changes.attributes = { from: null, to: names.sort() };
  return changes;
}
