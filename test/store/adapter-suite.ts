import { describe } from 'node:test';
import { accountsSuite } from './suite/accounts.js';
import { auditSuite } from './suite/audit.js';
import { clientsSuite } from './suite/clients.js';
import type { OpenStore } from './suite/fixtures.js';
import { invitationJoinsSuite } from './suite/invitation-joins.js';
import { keysSuite } from './suite/keys.js';
import { mfaSuite } from './suite/mfa.js';
import { passkeysSuite } from './suite/passkeys.js';
import { refreshTokensSuite } from './suite/refresh-tokens.js';
import { revocationsSuite } from './suite/revocations.js';
import { securityEventsSuite } from './suite/security-events.js';
import { sessionsSuite } from './suite/sessions.js';
import { usersSuite } from './suite/users.js';

/**
 * The one behaviour every Store adapter must show. `open` must return a fresh, empty, migrated
 * store on each call: each block below opens its own and closes it when done.
 */
export function runStoreSuite(name: string, open: OpenStore): void {
  describe(`${name} store adapter`, () => {
    usersSuite(open);
    sessionsSuite(open);
    refreshTokensSuite(open);
    keysSuite(open);
    revocationsSuite(open);
    auditSuite(open);
    mfaSuite(open);
    passkeysSuite(open);
    clientsSuite(open);
    securityEventsSuite(open);
    accountsSuite(open);
    invitationJoinsSuite(open);
  });
}
