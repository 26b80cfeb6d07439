import { generateSecret, generateSync, generateURI, verifySync } from 'otplib';

/**
 * RFC 6238 as every authenticator app implements it: HMAC-SHA-1, 6 digits, 30-second steps,
 * 160-bit secrets (RFC 4226 §4 recommends 160). A code is accepted one step either side of now
 * (clock drift, a code typed as it turns over), and never for a step at or before the last
 * accepted one: so no code is accepted twice, even inside its own window.
 */
export const TOTP = { algorithm: 'sha1', digits: 6, periodSeconds: 30, secretBytes: 20, toleranceSteps: 1 } as const;

const CODE = /^\d{6}$/;

export function newTotpSecret(): string {
  return generateSecret({ length: TOTP.secretBytes });
}

/** The otpauth:// URI an authenticator app reads from the QR code (label `issuer:username`). */
export function otpauthUri(issuer: string, username: string, secret: string): string {
  return generateURI({
    issuer,
    label: username,
    secret,
    algorithm: TOTP.algorithm,
    digits: TOTP.digits,
    period: TOTP.periodSeconds,
  });
}

export function isTotpCode(code: string): boolean {
  return CODE.test(code);
}

/** The time step the code belongs to, or null when it matches none within the tolerance after `afterStep`. */
export function matchTotp(secret: string, code: string, nowMs: number, afterStep: number | null): number | null {
  if (!isTotpCode(code)) return null;
  const result = verifySync({
    secret,
    token: code,
    epoch: Math.floor(nowMs / 1000),
    period: TOTP.periodSeconds,
    epochTolerance: TOTP.toleranceSteps * TOTP.periodSeconds,
    ...(afterStep === null ? {} : { afterTimeStep: afterStep }),
  });
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}

/** The code of `nowMs` (tests, and the enrolment screen's own check). */
export function totpCode(secret: string, nowMs: number): string {
  return generateSync({ secret, epoch: Math.floor(nowMs / 1000), period: TOTP.periodSeconds });
}

export function stepOf(nowMs: number): number {
  return Math.floor(nowMs / 1000 / TOTP.periodSeconds);
}
