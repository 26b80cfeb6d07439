import type { Config } from '../../config/index.js';
import type { Store } from '../../store/types.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { LoginChallenges } from '../mfa/login-challenges.js';
import type { LoginSteps } from '../mfa/login-steps.js';
import type { Throttles } from '../throttle/index.js';
import { PasskeyChallenges } from './ceremony.js';
import { OwnPasskeys } from './own-passkeys.js';
import { PasskeyRegistration } from './registration.js';
import { PasskeySecondFactor } from './second-factor.js';
import { PasskeySignIn } from './sign-in.js';
import { UserPasskeys } from './user-passkeys.js';

/** The passkey feature's parts: its ceremonies' challenges, registration, sign-in, second step, the user's own list. */
export interface PasskeyServices {
  challenges: PasskeyChallenges;
  registration: PasskeyRegistration;
  signIn: PasskeySignIn;
  secondFactor: PasskeySecondFactor;
  own: OwnPasskeys;
  /** An admin's view of a user's passkeys. */
  admin: UserPasskeys;
}

/** What the passkeys build on: the login steps (which start sessions), their challenges, the throttles. */
export interface PasskeyDependencies {
  loginChallenges: LoginChallenges;
  loginSteps: LoginSteps;
  throttles: Pick<Throttles, 'login' | 'mfa'>;
  audit: AuditLog;
  now: () => number;
}

export function createPasskeyServices(
  config: Pick<Config, 'webauthn'>,
  store: Store,
  deps: PasskeyDependencies,
): PasskeyServices {
  const { loginChallenges, loginSteps, throttles, audit, now } = deps;
  const challenges = new PasskeyChallenges(store.passkeys, now);
  return {
    challenges,
    registration: new PasskeyRegistration(store.passkeys, challenges, config.webauthn, audit, now),
    signIn: new PasskeySignIn(store, challenges, config.webauthn, loginSteps, throttles.login, audit, now),
    secondFactor: new PasskeySecondFactor(
      store,
      challenges,
      loginChallenges,
      loginSteps,
      config.webauthn,
      throttles.mfa,
      audit,
      now,
    ),
    own: new OwnPasskeys(store.passkeys, audit),
    admin: new UserPasskeys(store, audit),
  };
}
