import { ConfigError, readSettingFile, type Config } from '../../config/index.js';
import { importSigningKey, signingKeyFromHmacSecret, type SigningKey } from '../../jose/keys.js';
import type { SigningKeyRecord } from '../../store/types.js';

export type KeyConfig = Pick<
  Config,
  | 'signingAlg'
  | 'hs256Secret'
  | 'signingKeyFile'
  | 'accessTokenTtlSeconds'
  | 'clockSkewSeconds'
  | 'jwksMaxAgeSeconds'
  | 'keyRotationIntervalSeconds'
>;

/** The signing key the configuration names (BULWARK_SIGNING_KEY_FILE, or BULWARK_HS256_SECRET for HS256), if any. */
export function configuredKey(config: KeyConfig): SigningKey | undefined {
  if (config.signingKeyFile !== undefined) {
    const path = config.signingKeyFile;
    const text = readSettingFile('BULWARK_SIGNING_KEY_FILE', path).toString('utf8');
    try {
      return importSigningKey(text, config.signingAlg);
    } catch (error) {
      // The import's reason (never the key), under the variable that named the file.
      throw new ConfigError(
        'BULWARK_SIGNING_KEY_FILE',
        `${path}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  if (config.signingAlg === 'HS256' && config.hs256Secret !== undefined) {
    return signingKeyFromHmacSecret(config.hs256Secret);
  }
  return undefined;
}

/**
 * Start-up safety: the configuration must describe the store's active key. The error names the
 * variable that differs and the two ways out (restore it, or rotate to the new setup first).
 */
export function assertConfigMatches(active: SigningKeyRecord, wanted: SigningKey | undefined, config: KeyConfig): void {
  const remedy =
    'set it back, or switch the cluster first with `bulwark keys rotate --now --switch-alg` under the new setting';
  if (active.alg !== config.signingAlg) {
    throw new SigningSetupMismatchError(
      'BULWARK_SIGNING_ALG',
      `is ${config.signingAlg} but the active signing key in the store (kid ${active.kid}) is ${active.alg}: ${remedy}`,
    );
  }
  if (wanted !== undefined && wanted.kid !== active.kid) {
    const variable = config.signingKeyFile !== undefined ? 'BULWARK_SIGNING_KEY_FILE' : 'BULWARK_HS256_SECRET';
    throw new SigningSetupMismatchError(
      variable,
      `is not the active signing key in the store (kid ${active.kid}): set it back, or rotate to it first with \`bulwark keys rotate --now\``,
    );
  }
}

/** The configured signing setup is not the store's active key: the process must not start. */
export class SigningSetupMismatchError extends ConfigError {}
