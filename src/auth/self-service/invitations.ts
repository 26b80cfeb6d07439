import { randomUUID } from 'node:crypto';
import type { AccountSettings } from '../../config/index.js';
import { ConflictError, ForbiddenError, LinkUsedError, SignupClosedError } from '../../errors/index.js';
import type { InvitationRecord, Role, Store, UserRecord } from '../../store/types.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Outbox } from '../mail/outbox.js';
import { describeLifetime } from '../mail/templates.js';
import type { UserService } from '../users/user-service.js';
import { validUsername } from '../users/usernames.js';
import { assertAcceptablePassword } from '../passwords/passwords.js';
import { normaliseEmail } from './email.js';
import type { AccountLinks } from './links.js';
import { requireMail } from './mail-gate.js';
import { withEmployeeLink } from '../users/employee-directory.js';

export interface Inviter {
  /** null: the CLI (an operator on the server). */
  id: string | null;
  /** Holds `users:write` at Bulwark's API (contract §15.2): may invite with any role and link an employee. */
  administers: boolean;
}

/**
 * Invitations instead of admin-typed passwords: an admin (or, with BULWARK_SIGNUP=invite, any
 * signed-in user, for the sign-up role only) invites an address with its roles; the link lets its
 * holder choose a username and password once. The invitation and its mail commit together.
 */
export class Invitations {
  constructor(
    private readonly store: Store,
    private readonly users: UserService,
    private readonly audit: AuditLog,
    private readonly links: AccountLinks,
    private readonly outbox: Outbox | undefined,
    private readonly settings: AccountSettings,
    private readonly now: () => number,
  ) {}

  /** `employeeId`: the payroll employee record the account will be (admins only; it must exist). */
  async create(
    rawEmail: string,
    roles: Role[],
    inviter: Inviter,
    ip: string | null,
    employeeId: string | null = null,
  ): Promise<InvitationRecord> {
    const outbox = requireMail(this.outbox);
    if (!inviter.administers) {
      if (this.settings.signup !== 'invite') throw new ForbiddenError('only admins invite');
      if (roles.some((r) => r !== this.settings.signupRole)) throw new SignupClosedError();
      // Whoever holds the link would see that employee's pay: only an admin chooses the record.
      if (employeeId !== null)
        throw new ForbiddenError('only admins link an employee', {
          detail: 'Only an administrator can link an invitation to an employee record.',
        });
    }
    await this.users.assertEmployee(employeeId);
    const email = normaliseEmail(rawEmail);
    if ((await this.store.users.findByEmail(email)) !== undefined) {
      throw new ConflictError('address has an account', {
        detail: 'An account with this email address already exists.',
      });
    }
    const now = this.now();
    const ttl = this.settings.invitationTtlSeconds;
    const invitation: InvitationRecord = {
      id: randomUUID(),
      email,
      roles,
      invitedBy: inviter.id,
      attributes: withEmployeeLink({}, employeeId),
      createdAt: now,
      expiresAt: now + ttl * 1000,
      acceptedAt: null,
      userId: null,
    };
    await this.store.accounts.atomically(async (accounts) => {
      await accounts.createInvitation(invitation);
      const link = await this.links.issue(accounts, 'invitation', { email, subjectId: invitation.id }, ttl);
      await outbox.queue(accounts, `invitation:${invitation.id}`, email, 'invitation', {
        link: link.url,
        lifetime: describeLifetime(ttl),
      });
    });
    outbox.queued();
    await this.audit.record('invitation.created', {
      actorId: inviter.id,
      targetId: invitation.id,
      ip,
      details: { roles, linked_employee: employeeId !== null },
    });
    return invitation;
  }

  /** Creates the account the invitation was for; its address counts as verified (the link proved it). */
  async accept(token: string, rawUsername: string, password: string, ip: string | null): Promise<UserRecord> {
    const accounts = this.store.accounts;
    const link = await this.links.check(accounts, token, 'invitation', ip);
    const invitation = link.subjectId === null ? undefined : await accounts.findInvitation(link.subjectId);
    if (invitation === undefined || invitation.acceptedAt !== null) throw new LinkUsedError();
    const username = validUsername(rawUsername);
    assertAcceptablePassword(password, username);
    if ((await this.store.users.findByUsername(username)) !== undefined) {
      throw new ConflictError('username taken', { detail: 'This username is taken: choose another.' });
    }
    await this.links.consume(accounts, link);
    const role = (invitation.roles[0] ?? this.settings.signupRole) as Role;
    const user = await this.users.create(
      {
        username,
        password,
        role,
        attributes: invitation.attributes,
        email: invitation.email,
        emailVerifiedAt: this.now(),
      },
      null,
    );
    await accounts.acceptInvitation(invitation.id, user.id, this.now());
    await this.audit.record('invitation.accepted', {
      actorId: user.id,
      targetId: invitation.id,
      ip,
      details: { user_id: user.id, role },
    });
    return user;
  }
}
