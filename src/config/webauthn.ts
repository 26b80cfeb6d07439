import { ConfigError } from './errors.js';
import { list, read, type Env } from './parsers.js';

/** Who the passkeys belong to (WebAuthn relying party) and which pages may use them. */
export interface WebAuthnConfig {
  /** BULWARK_WEBAUTHN_RP_ID: the domain passkeys are scoped to; default the issuer's host name. */
  rpId: string;
  /** BULWARK_WEBAUTHN_ORIGINS: the exact origins a ceremony may come from; default the issuer's origin. */
  origins: string[];
  /**
   * Development with RP ID `localhost` only: any http://localhost:<port> page is accepted too
   * (the console on an ephemeral or Vite port). Never in production.
   */
  anyLocalhostPort: boolean;
}

const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** A page's host may use the RP ID when it is the RP ID or one of its subdomains (WebAuthn §5.1.4.1). */
function underRpId(host: string, rpId: string): boolean {
  return host === rpId || host.endsWith(`.${rpId}`);
}

function origin(value: string, rpId: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(
      'BULWARK_WEBAUTHN_ORIGINS',
      `each entry must be an origin like https://app.example.com (got "${value}")`,
    );
  }
  if (url.origin !== value)
    throw new ConfigError(
      'BULWARK_WEBAUTHN_ORIGINS',
      `each entry must be an origin like https://app.example.com (got "${value}")`,
    );
  if (url.protocol !== 'https:' && url.hostname !== 'localhost')
    throw new ConfigError('BULWARK_WEBAUTHN_ORIGINS', `must use https (plain http only on localhost): "${value}"`);
  if (!underRpId(url.hostname, rpId))
    throw new ConfigError('BULWARK_WEBAUTHN_ORIGINS', `"${value}" is not on the RP ID ${rpId} or a subdomain of it`);
  return value;
}

const isDomain = (host: string): boolean => DOMAIN.test(host) && !/^\d+(\.\d+){3}$/.test(host);

/**
 * Reads and checks the WebAuthn settings against the public URL (the issuer). By default the RP
 * ID is the issuer's host name (`localhost` when that is an IP address, which cannot be an RP
 * ID) and the one origin is the issuer's, when it lies on the RP ID.
 */
export function webAuthnConfig(env: Env, issuer: string, production: boolean): WebAuthnConfig {
  const issuerUrl = new URL(issuer);
  const configuredRpId = read(env, 'BULWARK_WEBAUTHN_RP_ID')?.toLowerCase();
  if (configuredRpId !== undefined && !isDomain(configuredRpId)) {
    throw new ConfigError(
      'BULWARK_WEBAUTHN_RP_ID',
      `must be a domain name like example.com, without scheme or port (got "${configuredRpId}"; an IP address cannot be an RP ID)`,
    );
  }
  const rpId = configuredRpId ?? (isDomain(issuerUrl.hostname) ? issuerUrl.hostname : 'localhost');
  const configured = list(env, 'BULWARK_WEBAUTHN_ORIGINS').map((value) => origin(value, rpId));
  const origins = configured.length > 0 ? configured : underRpId(issuerUrl.hostname, rpId) ? [issuerUrl.origin] : [];
  return { rpId, origins, anyLocalhostPort: !production && rpId === 'localhost' };
}

/** Whether a ceremony from this page origin is accepted. */
export function isAllowedOrigin(config: WebAuthnConfig, pageOrigin: string): boolean {
  if (config.origins.includes(pageOrigin)) return true;
  return config.anyLocalhostPort && /^http:\/\/localhost(:\d{1,5})?$/.test(pageOrigin);
}
