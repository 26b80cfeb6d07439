import { BulwarkProblemError } from '@bulwark/client';

/**
 * The server's own message about one field of a refused body: its problem detail names the
 * field first (`body/bank_account must be a valid IBAN.`), so the form shows it beside that field.
 */
export function fieldProblem(error: unknown): { field: string; message: string } | undefined {
  if (!(error instanceof BulwarkProblemError) || typeof error.detail !== 'string') return undefined;
  const match = /^body\/([a-z_]+) (.+)$/.exec(error.detail);
  if (match === null) return undefined;
  const [, field = '', rest = ''] = match;
  return { field, message: `${field.replace(/_/g, ' ')} ${rest}` };
}
