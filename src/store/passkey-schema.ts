/** The kysely tables of 0011_passkeys. */
export interface PasskeyCredentialsTable {
  id: string;
  user_id: string;
  name: string;
  public_key: string;
  counter: number;
  transports: string;
  device_type: string;
  backed_up: number;
  aaguid: string;
  created_at: number;
  last_used_at: number | null;
}

export interface PasskeyChallengesTable {
  hash: string;
  purpose: string;
  user_id: string | null;
  created_at: number;
  expires_at: number;
}

// A type alias, not an interface: kysely's withTables wants an index-signature-compatible type.
export type PasskeyTables = {
  passkey_credentials: PasskeyCredentialsTable;
  passkey_challenges: PasskeyChallengesTable;
};
