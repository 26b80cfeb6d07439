import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError } from './errors.js';

const CERT = 'BULWARK_TLS_CERT_FILE';
const KEY = 'BULWARK_TLS_KEY_FILE';

/**
 * Reads a file a setting names, failing as one line that names the setting (never OpenSSL's or
 * the file system's raw error, and never the file's content).
 */
export function readSettingFile(variable: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as { code?: string }).code;
    const why =
      code === 'ENOENT'
        ? 'file not found'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'is a directory, not a file'
            : `cannot be read (${code ?? 'error'})`;
    throw new ConfigError(variable, `${path}: ${why}`);
  }
}

/**
 * Checks the HTTPS certificate and key files before the server starts: a PEM certificate, an
 * unencrypted PEM private key, and the key of that certificate. Each failure names its variable.
 */
export function checkTlsFiles(certPath: string, keyPath: string): void {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(readSettingFile(CERT, certPath));
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(CERT, `${certPath} is not a PEM certificate`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(readSettingFile(KEY, keyPath));
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(KEY, `${keyPath} is not an unencrypted PEM private key (PKCS#8, SEC1 or PKCS#1)`);
  }
  if (!certificate.checkPrivateKey(key)) {
    throw new ConfigError(KEY, `${keyPath} is not the private key of the certificate in ${CERT} (${certPath})`);
  }
}
