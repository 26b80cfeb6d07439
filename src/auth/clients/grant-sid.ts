import { createHash } from 'node:crypto';
import type { ClientRecord } from '../../store/types.js';

/**
 * The `sid` of a client's client-credentials tokens: one per client credential (it changes when
 * the secret is rotated), so that a rotation revokes every token the old secret obtained by sid,
 * with no clock compared, while tokens of the new secret, issued on any instance at any skew,
 * stay valid. Derived from public facts only (the client id and when its secret was issued).
 */
export function clientGrantSid(client: Pick<ClientRecord, 'id' | 'secretIssuedAt'>): string {
  const digest = createHash('sha256').update(`bulwark client grant\n${client.id}\n${client.secretIssuedAt}`);
  return `cc_${digest.digest('base64url').slice(0, 22)}`;
}
