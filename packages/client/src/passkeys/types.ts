import type { Passkey } from '@bulwark/contract/types';

/** A passkey as GET /api/users/me/passkeys lists it (public facts only): the server's own Passkey shape. */
export type BulwarkPasskey = Passkey;

/** The signed-in user's passkeys. Each ceremony runs the browser's WebAuthn prompt. */
export interface BulwarkPasskeys {
  /** Creates a passkey on this device (the browser asks the user) and registers it under `name`. */
  register(name: string): Promise<BulwarkPasskey>;
  list(): Promise<BulwarkPasskey[]>;
  rename(id: string, name: string): Promise<BulwarkPasskey>;
  remove(id: string): Promise<void>;
}
