import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A server's DPoP nonces (RFC 9449 §8, §9): the one to hand out now, and which ones it accepts. */
export interface DpopNonceSource {
  current(): string;
  isValid(nonce: string): boolean;
}

/** The options of `createHmacDpopNonces`. */
export interface HmacDpopNonceOptions {
  /** ≥ 32 bytes; instances that share it accept each other's nonces. Default: random (one instance). */
  secret?: Buffer | undefined;
  /** How long one nonce is handed out (default 300 s); it is accepted one period longer. */
  periodSeconds?: number | undefined;
  now?: (() => number) | undefined;
}

/**
 * Stateless nonces: the period number and an HMAC of it under the secret. Nothing is stored, and
 * every instance with the same secret agrees; a nonce is accepted in its period and the next, so
 * one handed out just before a change of period still works.
 */
export function createHmacDpopNonces(options: HmacDpopNonceOptions = {}): DpopNonceSource {
  const secret = options.secret ?? randomBytes(32);
  if (!Buffer.isBuffer(secret) || secret.length < 32)
    throw new TypeError('dpop nonce: secret must be at least 32 bytes');
  const periodMs = (options.periodSeconds ?? 300) * 1000;
  if (!Number.isFinite(periodMs) || periodMs <= 0) throw new TypeError('dpop nonce: periodSeconds must be positive');
  const now = options.now ?? Date.now;
  const mac = (period: number): Buffer =>
    createHmac('sha256', secret).update(`bulwark dpop nonce ${period}`).digest().subarray(0, 16);
  const nonceFor = (period: number): string => `${period.toString(36)}.${mac(period).toString('base64url')}`;
  return {
    current: () => nonceFor(Math.floor(now() / periodMs)),
    isValid(nonce) {
      const match = /^([0-9a-z]{1,12})\.([A-Za-z0-9_-]{22})$/.exec(nonce);
      if (match === null) return false;
      const period = Number.parseInt(match[1] as string, 36);
      const current = Math.floor(now() / periodMs);
      if (period !== current && period !== current - 1) return false;
      return timingSafeEqual(Buffer.from(match[2] as string, 'base64url'), mac(period));
    },
  };
}
