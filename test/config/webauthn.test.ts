import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { isAllowedOrigin } from '../../src/config/webauthn.js';

function refusedSetting(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.message;
  }
  assert.fail(`expected ${JSON.stringify(env)} to be refused`);
}

describe('passkey settings: BULWARK_WEBAUTHN_RP_ID, BULWARK_WEBAUTHN_ORIGINS', () => {
  it('default to the issuer: its host name and origin; in development any localhost port is accepted', () => {
    const dev = loadConfig({}).webauthn;
    assert.deepEqual(dev, { rpId: 'localhost', origins: ['http://localhost:3000'], anyLocalhostPort: true });
    assert.ok(isAllowedOrigin(dev, 'http://localhost:5173'));
    assert.ok(!isAllowedOrigin(dev, 'http://127.0.0.1:3000'));
    assert.ok(!isAllowedOrigin(dev, 'http://localhost.evil.example:3000'));
    const issued = loadConfig({ BULWARK_ISSUER: 'https://auth.example.com' }).webauthn;
    assert.deepEqual(issued, {
      rpId: 'auth.example.com',
      origins: ['https://auth.example.com'],
      anyLocalhostPort: false,
    });
    // An IP address cannot be an RP ID: passkeys then work on localhost only.
    assert.deepEqual(loadConfig({ BULWARK_ISSUER: 'http://127.0.0.1:3000' }).webauthn.origins, []);
  });

  it('takes a parent domain and subdomain origins; production never accepts other localhost ports', () => {
    const config = loadConfig({
      BULWARK_ISSUER: 'https://auth.example.com',
      BULWARK_WEBAUTHN_RP_ID: 'Example.com',
      BULWARK_WEBAUTHN_ORIGINS: 'https://console.example.com,https://example.com',
    }).webauthn;
    assert.deepEqual(config, {
      rpId: 'example.com',
      origins: ['https://console.example.com', 'https://example.com'],
      anyLocalhostPort: false,
    });
    assert.ok(!isAllowedOrigin(config, 'https://auth.example.com'));
  });

  it('refuses an IP, a URL or a port as RP ID, and origins that are not https, not origins, or off the RP ID', () => {
    for (const rpId of ['127.0.0.1', 'https://example.com', 'example.com:443', '-bad-.com']) {
      assert.match(refusedSetting({ BULWARK_WEBAUTHN_RP_ID: rpId }), /BULWARK_WEBAUTHN_RP_ID/);
    }
    for (const origins of ['http://example.com', 'https://example.com/console', 'https://other.org', 'not a url']) {
      assert.match(
        refusedSetting({ BULWARK_WEBAUTHN_RP_ID: 'example.com', BULWARK_WEBAUTHN_ORIGINS: origins }),
        /BULWARK_WEBAUTHN_ORIGINS/,
      );
    }
  });
});
