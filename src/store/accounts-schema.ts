/** The kysely tables of 0010_accounts (the columns it adds to users are in schema.ts). */
export interface AccountLinksTable {
  hash: string;
  purpose: string;
  user_id: string | null;
  email: string | null;
  subject_id: string | null;
  /** JSON text. */
  data: string | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface InvitationsTable {
  id: string;
  email: string;
  /** Space separated. */
  roles: string;
  invited_by: string | null;
  /** Since 0013 a mirror of the attribute `employee_id`, for an older release during a rolling upgrade; never read. */
  employee_id: string | null;
  /** JSON object text (0013_employee_link). */
  attributes: string;
  created_at: number;
  expires_at: number;
  accepted_at: number | null;
  user_id: string | null;
}

export interface MailOutboxTable {
  id: string;
  event_key: string;
  to_address: string;
  template: string;
  body_sealed: string | null;
  created_at: number;
  attempts: number;
  next_attempt_at: number;
  lease_until: number | null;
  sent_at: number | null;
  failed_at: number | null;
  last_error: string | null;
}

// A type alias, not an interface: kysely's withTables wants an index-signature-compatible type.
export type AccountsTables = {
  account_links: AccountLinksTable;
  invitations: InvitationsTable;
  mail_outbox: MailOutboxTable;
};
