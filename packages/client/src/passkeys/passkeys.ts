import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/browser';
import type { BulwarkUser, HttpMethod, RequestOptions } from '../types.js';
import type { BulwarkPasskey, BulwarkPasskeys } from './types.js';

type Request = <T>(method: HttpMethod, path: string, options?: RequestOptions) => Promise<T>;
type LogIn = (path: string, fields: Record<string, unknown>) => Promise<BulwarkUser>;

const MINE = '/api/users/me/passkeys';
const SIGN_IN = '/api/users-sessions/passkey';

/** @simplewebauthn/browser, fetched the first time a passkey is used. */
const ceremonies = () => import('./browser.js');

/** Signs the tab in with a passkey of this site: the browser lets the user pick one and verify. */
export async function signInWithPasskey(request: Request, logIn: LogIn): Promise<BulwarkUser> {
  const [optionsJSON, { startAuthentication }] = await Promise.all([request<PublicKeyCredentialRequestOptionsJSON>('POST', `${SIGN_IN}/options`), ceremonies()]);
  return logIn(SIGN_IN, { response: await startAuthentication({ optionsJSON }) });
}

/** The signed-in user's passkeys over the authorised request. */
export function createPasskeys(request: Request): BulwarkPasskeys {
  const path = (id: string) => `${MINE}/${encodeURIComponent(id)}`;
  return {
    async register(name) {
      const [optionsJSON, { startRegistration }] = await Promise.all([request<PublicKeyCredentialCreationOptionsJSON>('POST', `${MINE}/registration-options`), ceremonies()]);
      const response = await startRegistration({ optionsJSON });
      return request<BulwarkPasskey>('POST', MINE, { body: { name, response } });
    },
    list: async () => (await request<{ items: BulwarkPasskey[] }>('GET', MINE)).items,
    rename: (id, name) => request<BulwarkPasskey>('PATCH', path(id), { body: { name } }),
    remove: (id) => request<void>('DELETE', path(id)),
  };
}
