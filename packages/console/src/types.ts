/** The API's shapes the console reads (docs/contract.md §4, GET /openapi.json). */
export type Role = 'admin' | 'clerk' | 'employee';
export const ROLES: readonly Role[] = ['admin', 'clerk', 'employee'];

export interface Employee {
  id: string;
  name: string;
  email: string;
  department: string;
  title: string;
  salary_cents: number;
  currency: string;
  /** Masked (country code and last four) for clerks, by the server. */
  bank_account: string;
  hired_on: string;
  status: 'active' | 'on_leave' | 'terminated';
}

export interface Payment {
  id: string;
  employee_id: string;
  amount_cents: number;
  currency: string;
  period: string;
  kind: 'payment' | 'reversal';
  reverses_payment_id: string | null;
  reversed_by_payment_id: string | null;
  memo: string | null;
  created_by: string;
  created_at: string;
}

/** GET /api/payments/totals: one period in one currency. */
export interface PaymentTotal {
  period: string;
  currency: string;
  total_cents: number;
  count: number;
}

export interface UserRecord {
  id: string;
  username: string;
  role: Role;
  employee_id: string | null;
  disabled: boolean;
  created_at: string;
}

/**
 * A session. `ip`, `user_agent` and `last_used_at` are what the sessions view shows; the server
 * may not send them yet (then the view shows "—"), `current` marks the caller's own session.
 */
export interface Session {
  id: string;
  user_id?: string;
  created_at: string;
  expires_at: string;
  last_used_at?: string | null;
  last_refreshed_at?: string | null;
  ip?: string | null;
  user_agent?: string | null;
  /** The browser and system of the login, e.g. "Firefox on Linux" (own and admin lists). */
  device?: string;
  /** Own sessions: RFC 8176 methods of the login (`pwd`, `otp`). */
  amr?: string[];
  current?: boolean;
  revoked_at?: string | null;
}

/** GET /api/users/me/mfa */
export interface MfaStatus {
  totp: boolean;
  confirmed_at: string | null;
  recovery_codes_left: number;
}

export interface SigningKey {
  kid: string;
  alg: string;
  state: string;
  created_at: string;
  activated_at: string | null;
  retired_at: string | null;
  removed_at: string | null;
  signs_from: string | null;
}

export interface AuditEvent {
  id: string;
  at: string;
  type: string;
  actor_id: string | null;
  target_id: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}
