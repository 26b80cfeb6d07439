import type { BulwarkUser } from '../types.js';
import type { LogIn, Request } from './flow-types.js';
import type { BulwarkPasskey, BulwarkPasskeys } from './types.js';

const MINE = '/api/users/me/passkeys';

/** The ceremonies and @simplewebauthn/browser, fetched the first time a passkey is used. */
const ceremonies = () => import('./ceremonies.js');

/** Creates the invited account with a new passkey (the flow loads on first use). */
export const acceptInvitationWithPasskey = (
  request: Request,
  token: string,
  username: string,
  name: string,
): Promise<BulwarkUser> => ceremonies().then((c) => c.acceptInvitationWithPasskey(request, token, username, name));

/** Signs the tab in with a passkey alone (the flow loads on first use). */
export const signInWithPasskey = (request: Request, logIn: LogIn): Promise<BulwarkUser> =>
  ceremonies().then((c) => c.signInWithPasskey(request, logIn));

/** The second step of a password login with a passkey (the flow loads on first use). */
export const secondStepWithPasskey = (mfaToken: string, request: Request, logIn: LogIn): Promise<BulwarkUser> =>
  ceremonies().then((c) => c.secondStepWithPasskey(mfaToken, request, logIn));

/** The signed-in user's passkeys over the authorised request. */
export function createPasskeys(request: Request): BulwarkPasskeys {
  const path = (id: string) => `${MINE}/${encodeURIComponent(id)}`;
  return {
    register: (name) => ceremonies().then((c) => c.register(request, name)),
    list: async () => (await request<{ items: BulwarkPasskey[] }>('GET', MINE)).items,
    rename: (id, name) => request<BulwarkPasskey>('PATCH', path(id), { body: { name } }),
    remove: (id) => request<void>('DELETE', path(id)),
  };
}
