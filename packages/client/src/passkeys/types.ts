/** A passkey as GET /api/users/me/passkeys lists it (public facts only). */
export interface BulwarkPasskey {
  /** The credential id (base64url). */
  id: string;
  name: string;
  /** `multi_device`: synced between devices; `single_device`: bound to one authenticator. */
  device_type: 'single_device' | 'multi_device';
  backed_up: boolean;
  transports: string[];
  aaguid: string;
  created_at: string;
  last_used_at: string | null;
}

/** The signed-in user's passkeys. Each ceremony runs the browser's WebAuthn prompt. */
export interface BulwarkPasskeys {
  /** Creates a passkey on this device (the browser asks the user) and registers it under `name`. */
  register(name: string): Promise<BulwarkPasskey>;
  list(): Promise<BulwarkPasskey[]>;
  rename(id: string, name: string): Promise<BulwarkPasskey>;
  remove(id: string): Promise<void>;
}
