import type { Config } from '../../config/index.js';
import type { Store } from '../../store/types.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { SessionService } from '../sessions/session-service.js';
import type { LoginThrottle } from '../throttle/index.js';
import { PasskeyChallenges } from './ceremony.js';
import { OwnPasskeys } from './own-passkeys.js';
import { PasskeyRegistration } from './registration.js';
import { PasskeySignIn } from './sign-in.js';

/** The passkey feature's parts: its ceremonies' challenges, registration, sign-in, the user's own list. */
export interface PasskeyServices {
  challenges: PasskeyChallenges;
  registration: PasskeyRegistration;
  signIn: PasskeySignIn;
  own: OwnPasskeys;
}

export function createPasskeyServices(config: Pick<Config, 'webauthn'>, store: Store, sessions: SessionService, loginThrottle: LoginThrottle, audit: AuditLog, now: () => number): PasskeyServices {
  const challenges = new PasskeyChallenges(store.passkeys, now);
  return {
    challenges,
    registration: new PasskeyRegistration(store.passkeys, challenges, config.webauthn, audit, now),
    signIn: new PasskeySignIn(store, challenges, config.webauthn, sessions, loginThrottle, audit, now),
    own: new OwnPasskeys(store.passkeys, audit),
  };
}
