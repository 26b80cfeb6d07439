import type { PasskeyRecord } from '../../store/types.js';
import type { PasskeyView } from '@bulwark/contract';

const iso = (ms: number): string => new Date(ms).toISOString();

/** A passkey as the API shows it: public facts only (never the key). */
export function toPasskeyView(p: PasskeyRecord): PasskeyView {
  return {
    id: p.id,
    name: p.name,
    device_type: p.deviceType === 'multiDevice' ? 'multi_device' : 'single_device',
    backed_up: p.backedUp,
    transports: p.transports,
    aaguid: p.aaguid,
    created_at: iso(p.createdAt),
    last_used_at: p.lastUsedAt === null ? null : iso(p.lastUsedAt),
  };
}
