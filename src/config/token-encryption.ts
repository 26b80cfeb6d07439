import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidKeyError, jweKeyFrom, type JweKey, type JweKeyInput } from '@bulwark/guard/jose';
import { ConfigError } from './errors.js';
import { read, type Env } from './parsers.js';

const VARIABLE = 'BULWARK_TOKEN_ENCRYPTION_KEY_FILE';

/**
 * BULWARK_TOKEN_ENCRYPTION_KEY_FILE: a private key (PEM, or one JSON JWK) to which access tokens
 * are encrypted (nested JWTs, RFC 7516). Read and checked at start; the alg follows from the key:
 * EC P-256 → ECDH-ES+A256KW, RSA of 2048 bits or more → RSA-OAEP-256. Every process that issues
 * or verifies Bulwark access tokens needs the same file. A bad file is one line naming the
 * variable and the problem, never the key.
 */
export function tokenEncryptionKey(env: Env): JweKey | undefined {
  const raw = read(env, VARIABLE);
  if (raw === undefined) return undefined;
  const path = resolve(raw);
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new ConfigError(
      VARIABLE,
      code === 'ENOENT' ? `file not found: ${path}` : `cannot read ${path} (${code ?? 'error'})`,
    );
  }
  try {
    return jweKeyFrom(keyInput(text, path));
  } catch (error) {
    if (error instanceof InvalidKeyError) throw new ConfigError(VARIABLE, `${path}: ${error.message}`);
    throw error;
  }
}

function keyInput(text: string, path: string): JweKeyInput {
  if (!text.startsWith('{')) return text;
  let jwk: unknown;
  try {
    jwk = JSON.parse(text);
  } catch {
    throw new ConfigError(VARIABLE, `${path} is neither a PEM private key nor a JSON JWK`);
  }
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk) || 'keys' in jwk) {
    throw new ConfigError(VARIABLE, `${path} must hold one private JWK (not a JWKS)`);
  }
  return jwk as Record<string, unknown>;
}
