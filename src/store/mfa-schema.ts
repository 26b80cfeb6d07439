/** The kysely tables of 0005_mfa (the columns it adds to users and sessions are in schema.ts). */
export interface TotpEnrolmentsTable {
  user_id: string;
  secret_sealed: string;
  created_at: number;
  confirmed_at: number | null;
  last_step: number | null;
}

export interface MfaRecoveryCodesTable {
  hash: string;
  user_id: string;
  created_at: number;
  used_at: number | null;
}

export interface LoginChallengesTable {
  hash: string;
  user_id: string;
  purpose: string;
  /** Space-separated amr. */
  amr: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  attempts: number;
}

export interface LoginFailuresTable {
  user_id: string;
  ip: string;
  failures: number;
  first_failed_at: number;
  last_failed_at: number;
}

// A type alias, not an interface: kysely's withTables wants an index-signature-compatible type.
export type MfaTables = {
  totp_enrolments: TotpEnrolmentsTable;
  mfa_recovery_codes: MfaRecoveryCodesTable;
  login_challenges: LoginChallengesTable;
  login_failures: LoginFailuresTable;
};
