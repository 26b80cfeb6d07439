import { randomUUID } from 'node:crypto';
import { InvalidCredentialsError, InvalidGrantError } from '../../errors/index.js';
import { InvalidDpopProofError, type AccessTokenClaims } from '@bulwark/guard';
import type { Config } from '../../config/index.js';
import { NO_AUTH_EVENTS, type AuthEventSink } from '../../metrics/index.js';
import type { AuthMethod, SessionRecord, Store, UserRecord } from '../../store/types.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { KeyManager } from '../keys/key-manager.js';
import { resolveMasterKey } from '../keys/master-key.js';
import {
  assertAcceptablePassword,
  burnPasswordCheck,
  hashPassword,
  needsRehash,
  verifyPassword,
} from '../passwords/passwords.js';
import { hashRefreshToken, newRefreshToken, refreshSuccessor, refreshSuccessorKey } from './refresh-tokens.js';
import type { RevocationService } from '../revocation/revocation-service.js';
import { issueAccessToken, type IssuedAccessToken, type TokenSettings } from '../tokens/access-tokens.js';
import { userGrantFor, type TokenTarget } from '../tokens/token-target.js';
import type { GrantSource } from '../registry/grants.js';
import { normaliseUsername } from '../users/usernames.js';

export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
  /** The key of the request's verified DPoP proof (RFC 7638 thumbprint): tokens issued are bound to it. */
  dpopJkt?: string | null | undefined;
}

export interface TokenPair {
  accessToken: string;
  expiresIn: number;
  /** The access token's scope (it may be encrypted: not readable back). */
  scope: string;
  refreshToken: string;
  sessionId: string;
  /** Absolute end of the session: the refresh cookie's expiry. */
  sessionExpiresAt: number;
  /** `DPoP` when the access token is bound to the request's proof key (cnf.jkt, RFC 9449). */
  tokenType: 'Bearer' | 'DPoP';
}

/** `masterKey`/`dataDir`: where the successor key is derived from (resolveMasterKey). */
export interface SessionSettings extends TokenSettings, Pick<Config, 'masterKey' | 'dataDir'> {
  sessionTtlSeconds: number;
  /** A used refresh token presented again this soon answers its successor again; 0 = off. */
  refreshReuseWindowSeconds: number;
}

/**
 * Runs once the password is proven: throws a LoginStepRequiredError (mfa_required,
 * password_change_required) when the login needs another step before a session.
 */
export type LoginGate = (user: UserRecord, meta: RequestMeta) => Promise<void>;

export class SessionService {
  constructor(
    private readonly store: Store,
    private readonly keys: Pick<KeyManager, 'currentSigningKey'>,
    private readonly revocations: RevocationService,
    private readonly audit: AuditLog,
    private readonly settings: SessionSettings,
    private readonly now: () => number = Date.now,
    private readonly gate: LoginGate = () => Promise.resolve(),
    private readonly events: AuthEventSink = NO_AUTH_EVENTS,
    /** What users hold at each API (the registry); only issuance asks it. */
    private readonly grants: GrantSource = NO_GRANTS,
  ) {}

  private successorKeyValue: Buffer | undefined;

  /** Resolved on first use, like the key manager's master key. */
  private get successorKey(): Buffer {
    this.successorKeyValue ??= refreshSuccessorKey(resolveMasterKey(this.settings));
    return this.successorKeyValue;
  }

  /**
   * Unknown user, wrong password and disabled user give the same error after the same work. The
   * target (contract §15.5) is checked once the password is proven, before any second step: a
   * user who holds nothing there gets no session.
   */
  async login(username: string, password: string, meta: RequestMeta, target: TokenTarget = {}): Promise<TokenPair> {
    const user = await this.store.users.findByUsername(normaliseUsername(username));
    const passwordOk =
      user === undefined ? await burnPasswordCheck(password) : await verifyPassword(user.passwordHash, password);
    if (user === undefined || !passwordOk || user.disabled) {
      const reason = user === undefined ? 'unknown_user' : passwordOk ? 'disabled' : 'bad_password';
      await this.audit.record('login.failed', { targetId: user?.id ?? null, ip: meta.ip, details: { reason } });
      if (reason === 'bad_password')
        await this.store.loginFailures.record((user as UserRecord).id, meta.ip ?? 'unknown', this.now());
      throw new InvalidCredentialsError();
    }
    if (needsRehash(user.passwordHash)) {
      await this.store.users.update(user.id, { passwordHash: await hashPassword(password), updatedAt: this.now() });
    }
    await userGrantFor(this.grants, user.id, target);
    await this.gate(user, meta);
    return this.startSession(user, ['pwd'], meta, target);
  }

  /**
   * A session for a user whose login is complete: `amr` says how (RFC 8176); its start is the
   * tokens' auth_time, kept through every refresh. Its first access token is for `target` (a
   * login that took a second step: the default API; a refresh names another).
   */
  async startSession(
    user: UserRecord,
    amr: AuthMethod[],
    meta: RequestMeta,
    target: TokenTarget = {},
  ): Promise<TokenPair> {
    const now = this.now();
    const session: SessionRecord = {
      id: randomUUID(),
      userId: user.id,
      createdAt: now,
      expiresAt: now + this.settings.sessionTtlSeconds * 1000,
      lastRefreshedAt: null,
      revokedAt: null,
      revokedReason: null,
      userAgent: meta.userAgent?.slice(0, 256) ?? null,
      ip: meta.ip,
      amr,
      // RFC 9449 §5: the first party is a public client, so its refresh tokens are bound to the key.
      dpopJkt: meta.dpopJkt ?? null,
    };
    // Every way on from here writes again, waited for, before anything is answered: that flush covers this row.
    await this.store.sessions.create(session, { flushedByNextWrite: true });
    // A user-wide revocation (disable, role or password change) that ran between the caller's read
    // of the user and this insert revoked the sessions it found, not this one: judge this session
    // on the user as it is now that it exists.
    const current = await this.store.users.findById(user.id);
    if (current === undefined || current.disabled || current.passwordChangedAt !== user.passwordChangedAt) {
      await this.store.sessions.revoke(session.id, 'account_changed', now);
      await this.audit.record('login.failed', {
        targetId: user.id,
        ip: meta.ip,
        details: { reason: 'account_changed' },
      });
      throw new InvalidCredentialsError();
    }
    // What the user holds is read now that the session exists, like the user above: a role change
    // that found no session to end is already in it. A refusal (nothing held any more, a token
    // too large) ends the session before it has a refresh token.
    let access: IssuedAccessToken;
    try {
      const grant = await userGrantFor(this.grants, current.id, target);
      access = issueAccessToken(
        await this.keys.currentSigningKey(),
        this.settings,
        current,
        session,
        grant,
        now,
        meta.dpopJkt ?? null,
      );
    } catch (error) {
      await this.store.sessions.revoke(session.id, 'token_refused', now);
      throw error;
    }
    const refreshToken = newRefreshToken();
    // The token, the pair's cleared login failures and the audit event commit together.
    await this.store.refreshTokens.insertFirst(
      {
        hash: hashRefreshToken(refreshToken) as string,
        sessionId: session.id,
        createdAt: now,
        expiresAt: session.expiresAt,
        usedAt: null,
      },
      {
        userId: user.id,
        ip: meta.ip ?? 'unknown',
        event: this.audit.event('login.succeeded', {
          actorId: user.id,
          targetId: session.id,
          ip: meta.ip,
          details: { amr },
        }),
      },
    );
    return this.pair(access, session, refreshToken, meta);
  }

  /**
   * Single-use rotation to a successor derived from the token. Presented again within the reuse
   * window (racing tabs, a retried request) it answers that same successor with a new access
   * token while the successor is unused; any other use of a used token revokes its whole session.
   */
  async refresh(presented: string, meta: RequestMeta, target: TokenTarget = {}): Promise<TokenPair> {
    const oldHash = hashRefreshToken(presented);
    if (oldHash === undefined) throw new InvalidGrantError('malformed');
    const now = this.now();
    // The token, its session and its user in one read (one statement). Read before the rotation:
    // once it commits nothing but the answer is left to do, so a database that stalls after the
    // commit cannot fail the request (its client would retry with a token already used, outside
    // the window).
    const found = await this.store.refreshTokens.findForRefresh(oldHash);
    if (found === undefined) throw new InvalidGrantError('unknown');
    const { token: existing, session, user, roleIds } = found;
    await this.assertBoundKey(existing.sessionId, session?.dpopJkt ?? null, meta);
    // The access token is made before the rotation commits: a target the user may not have (or a
    // token too large) is refused with the refresh token still unused.
    const access =
      session === undefined || user === undefined || user.disabled
        ? undefined
        : issueAccessToken(
            await this.keys.currentSigningKey(),
            this.settings,
            user,
            session,
            await userGrantFor(this.grants, user.id, target, roleIds),
            now,
            meta.dpopJkt ?? null,
          );
    const refreshToken = refreshSuccessor(this.successorKey, presented);
    const next = {
      hash: hashRefreshToken(refreshToken) as string,
      sessionId: existing.sessionId,
      createdAt: now,
      expiresAt: existing.expiresAt,
      usedAt: null,
    };
    const windowSeconds = this.settings.refreshReuseWindowSeconds;
    const result = await this.store.refreshTokens.rotate(oldHash, next, this.now, windowSeconds * 1000);
    if (result.outcome === 'reused') {
      await this.revokeSession(result.sessionId, 'refresh_reuse');
      await this.audit.record('refresh.reused', {
        actorId: result.userId,
        targetId: result.sessionId,
        ip: meta.ip,
        details: { reuse_window_seconds: windowSeconds },
      });
      this.events.refresh('reuse_detected');
      throw new InvalidGrantError('reused');
    }
    if (result.outcome === 'invalid') throw new InvalidGrantError(result.reason);
    // A revocation of the session committed while the rotation waited on its row (Postgres
    // re-reads a row it waited for): no token for it. Its sid is revoked by the same call.
    if (result.session.revokedAt !== null) throw new InvalidGrantError('session_revoked');
    if (user === undefined || user.disabled || access === undefined) {
      await this.revokeSession(result.session.id, 'user_disabled');
      throw new InvalidGrantError('user_disabled');
    }
    if (result.outcome === 'replayed') {
      const details = { since_use_ms: result.sinceUseMs, reuse_window_seconds: windowSeconds };
      await this.audit.record('refresh.reused_within_window', {
        actorId: user.id,
        targetId: result.session.id,
        ip: meta.ip,
        details,
      });
    }
    this.events.refresh(result.outcome === 'replayed' ? 'replayed_within_window' : 'rotated');
    return this.pair(access, result.session, refreshToken, meta);
  }

  /**
   * RFC 9449 §5: a bound session's refresh token is used only with a proof of its key, checked
   * before rotation so that a stolen token, refused, leaves the owner's rotation untouched.
   */
  private async assertBoundKey(sessionId: string, bound: string | null, meta: RequestMeta): Promise<void> {
    if (bound === null || bound === meta.dpopJkt) return;
    await this.audit.record('refresh.dpop_refused', {
      targetId: sessionId,
      ip: meta.ip,
      details: { proof: meta.dpopJkt === undefined || meta.dpopJkt === null ? 'missing' : 'other_key' },
    });
    throw new InvalidDpopProofError(meta.dpopJkt === undefined || meta.dpopJkt === null ? 'missing' : 'key_mismatch');
  }

  /** The session, its refresh token and its access tokens stop working at once. */
  async logout(claims: AccessTokenClaims, meta: RequestMeta): Promise<void> {
    if (claims.sid !== undefined) await this.revokeSession(claims.sid, 'logout');
    await this.revocations.revokeToken(claims.jti, claims.exp, 'logout');
    await this.audit.record('session.logout', { actorId: claims.sub, targetId: claims.sid ?? null, ip: meta.ip });
  }

  /** Changes the password and revokes every other session of the user. */
  async changePassword(claims: AccessTokenClaims, current: string, next: string, meta: RequestMeta): Promise<void> {
    const user = await this.store.users.findById(claims.sub);
    if (user === undefined || !(await verifyPassword(user.passwordHash, current))) {
      await this.audit.record('password.change_failed', {
        actorId: claims.sub,
        ip: meta.ip,
        details: { reason: 'bad_password' },
      });
      throw new InvalidCredentialsError();
    }
    assertAcceptablePassword(next, user.username);
    const now = this.now();
    await this.store.users.update(user.id, {
      passwordHash: await hashPassword(next),
      passwordChangedAt: now,
      updatedAt: now,
    });
    const revoked = await this.revokeAllSessions(user.id, 'password_changed', claims.sid);
    await this.revocations.credentialChanged(user.id);
    await this.audit.record('password.changed', {
      actorId: user.id,
      targetId: user.id,
      ip: meta.ip,
      details: { sessions_revoked: revoked },
    });
  }

  /** Marks the session revoked and publishes the revocation of its access tokens. */
  async revokeSession(sessionId: string, reason: string): Promise<boolean> {
    const changed = await this.store.sessions.revoke(sessionId, reason, this.now());
    await this.revocations.revokeSession(sessionId, reason);
    return changed;
  }

  /** Revokes every session of the user but `exceptSessionId`; returns how many. */
  async revokeAllSessions(userId: string, reason: string, exceptSessionId?: string): Promise<number> {
    const revoked = await this.store.sessions.revokeAllForUser(userId, reason, this.now(), exceptSessionId);
    for (const session of revoked) await this.revocations.revokeSession(session.id, reason);
    return revoked.length;
  }

  private pair(access: IssuedAccessToken, session: SessionRecord, refreshToken: string, meta: RequestMeta): TokenPair {
    return {
      accessToken: access.token,
      expiresIn: access.expiresIn,
      scope: access.scope,
      refreshToken,
      sessionId: session.id,
      sessionExpiresAt: session.expiresAt,
      tokenType: (meta.dpopJkt ?? null) === null ? 'Bearer' : 'DPoP',
    };
  }
}

/** For the CLI's session services, which revoke but never issue. */
const NO_GRANTS: GrantSource = {
  defaultApi: () => {
    throw new Error('this SessionService issues no tokens (no GrantSource)');
  },
  userGrant: () => Promise.reject(new Error('this SessionService issues no tokens (no GrantSource)')),
  clientGrant: () => Promise.reject(new Error('this SessionService issues no tokens (no GrantSource)')),
  clientGrants: () => Promise.reject(new Error('this SessionService issues no tokens (no GrantSource)')),
};
