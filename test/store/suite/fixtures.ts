import { randomUUID } from 'node:crypto';
import { after, before } from 'node:test';
import type {
  AuditEvent,
  RefreshTokenRecord,
  SessionRecord,
  SigningKeyRecord,
  Store,
  UserRecord,
} from '../../../src/store/types.js';

export type OpenStore = () => Promise<Store>;

/** Beyond 2^31 ms, so a driver that truncated or stringified bigint would show. */
export const T0 = 1_700_000_000_000;
export const HOUR = 3_600_000;

export const uid = (prefix: string): string => `${prefix}-${randomUUID()}`;

/** Registers before/after hooks in the enclosing describe: one fresh store per block. */
export function freshStore(open: OpenStore): () => Store {
  let store: Store | undefined;
  before(async () => {
    store = await open();
  });
  after(async () => {
    await store?.close();
  });
  return () => {
    if (store === undefined) throw new Error('store not open yet');
    return store;
  };
}

export function makeUser(overrides: Partial<UserRecord> = {}): UserRecord {
  const id = overrides.id ?? uid('u');
  return {
    id,
    username: `user-${id}`,
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
    role: 'clerk',
    disabled: false,
    createdAt: T0,
    updatedAt: T0,
    passwordChangedAt: T0,
    mustChangePassword: false,
    email: null,
    emailVerifiedAt: null,
    attributes: {},
    ...overrides,
  };
}

export function makeSession(userId: string, overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id: uid('s'),
    userId,
    createdAt: T0,
    expiresAt: T0 + 24 * HOUR,
    lastRefreshedAt: null,
    revokedAt: null,
    revokedReason: null,
    userAgent: null,
    ip: null,
    amr: ['pwd'],
    dpopJkt: null,
    ...overrides,
  };
}

export function makeToken(sessionId: string, overrides: Partial<RefreshTokenRecord> = {}): RefreshTokenRecord {
  return {
    hash: uid('h'),
    sessionId,
    createdAt: T0,
    expiresAt: T0 + 24 * HOUR,
    usedAt: null,
    ...overrides,
  };
}

export function makeKey(overrides: Partial<SigningKeyRecord> = {}): SigningKeyRecord {
  return {
    kid: uid('k'),
    alg: 'ES256',
    state: 'next',
    publicJwk: { kty: 'EC', crv: 'P-256', x: 'eA', y: 'eQ' },
    privateKeyEncrypted: 'v1.iv.ciphertext.tag',
    createdAt: T0,
    activatedAt: null,
    retiredAt: null,
    removedAt: null,
    ...overrides,
  };
}

export function makeEvent(overrides: Partial<AuditEvent> = {}): AuditEvent {
  return {
    id: uid('e'),
    at: T0,
    type: 'login.succeeded',
    actorId: null,
    targetId: null,
    ip: null,
    details: {},
    ...overrides,
  };
}

/** A user plus one session for the tests that need a parent row. */
export async function userWithSession(
  store: Store,
  session: Partial<SessionRecord> = {},
): Promise<{ user: UserRecord; session: SessionRecord }> {
  const user = makeUser();
  await store.users.create(user);
  const s = makeSession(user.id, session);
  await store.sessions.create(s);
  return { user, session: s };
}
