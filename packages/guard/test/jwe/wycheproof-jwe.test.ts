import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { compactDecrypt, importJWK } from 'jose';
import { InvalidTokenError } from '../../src/errors.js';
import { KEY_MANAGEMENT_ALGS, type KeyManagementAlg } from '../../src/jwe/algorithms.js';
import { decryptCompactJwe, type JweRules } from '../../src/jwe/decrypt.js';
import { jweKeyFrom, type JweKey } from '../../src/jwe/jwe-key.js';

interface Vector {
  tcId: number;
  comment: string;
  jwe: unknown;
  pt?: string;
  result: 'valid' | 'invalid' | 'acceptable';
  flags: string[];
}
interface Group {
  comment: string;
  private: Record<string, unknown>;
  tests: Vector[];
}

const file = new URL('../fixtures/wycheproof/json_web_encryption_test.json', import.meta.url);
const groups = (JSON.parse(readFileSync(file, 'utf8')) as { testGroups: Group[] }).testGroups;

/** What the header claims (to classify the vector only). */
function headerOf(jwe: string): { alg?: unknown; enc?: unknown } {
  try {
    return JSON.parse(Buffer.from(jwe.split('.')[0] ?? '', 'base64url').toString()) as { alg?: unknown; enc?: unknown };
  } catch {
    return {};
  }
}

/**
 * The group's private key as ours would be configured: exactly as given when its alg is one we
 * support, else (EC P-256 / RSA keys for other algs) with "alg" removed so that the vectors still
 * run through our decryption under the alg the key fits, and must be refused there.
 */
function ourKey(jwk: Record<string, unknown>): JweKey | null {
  const { alg: _alg, ...rest } = jwk;
  try {
    return KEY_MANAGEMENT_ALGS.includes(jwk.alg as KeyManagementAlg) ? jweKeyFrom(jwk) : jweKeyFrom(rest);
  } catch {
    return null;
  }
}

function ours(key: JweKey | null, jwe: string): { ok: true; plaintext: string } | { ok: false; reason: string } {
  if (key === null) return { ok: false, reason: 'key_refused' };
  // The JWE layer alone: Wycheproof plaintexts are not JWTs (no cty) and headers carry no typ rule.
  const rules: JweRules = {
    alg: key.alg,
    kids: new Set([
      ...key.kids,
      'peregrin.took@tuckborough.example',
      'meriadoc.brandybuck@buckland.example',
      'samwise.gamgee@hobbiton.example',
    ]),
    typ: null,
    requireCty: false,
    privateKey: key.privateKey,
  };
  try {
    return { ok: true, plaintext: decryptCompactJwe(jwe, rules).toString('hex') };
  } catch (error) {
    assert.ok(error instanceof InvalidTokenError, `unexpected ${String(error)}`);
    return { ok: false, reason: error.reason };
  }
}

async function joses(
  jwk: Record<string, unknown>,
  jwe: string,
): Promise<{ ok: true; plaintext: string } | { ok: false }> {
  try {
    const key = await importJWK(jwk, typeof jwk.alg === 'string' ? jwk.alg : undefined);
    const { plaintext } = await compactDecrypt(jwe, key);
    return { ok: true, plaintext: Buffer.from(plaintext).toString('hex') };
  } catch {
    return { ok: false };
  }
}

describe("Wycheproof json_web_encryption_test.json: the guard's JWE layer agrees with jose", () => {
  const accepted = new Map<string, number>();
  const refusedUnsupported = new Set<string>();

  for (const group of groups) {
    const jwk = group.private;
    const key = ourKey(jwk);
    it(`group "${group.comment}" (key ${String(jwk.kty)} ${String(jwk.alg)}, ${group.tests.length} vectors)`, async () => {
      for (const t of group.tests) {
        if (typeof t.jwe !== 'string') continue; // JSON serialization: never a bearer token
        const got = ours(key, t.jwe);
        const jose = await joses(jwk, t.jwe);
        const label = `tcId ${t.tcId} ${t.comment}: ${got.ok ? 'accepted' : got.reason}`;
        const { alg, enc } = headerOf(t.jwe);
        const supported = KEY_MANAGEMENT_ALGS.includes(alg as KeyManagementAlg) && enc === 'A256GCM' && jwk.alg === alg;
        if (!jose.ok) assert.equal(got.ok, false, `jose rejects, we accept: ${label}`);
        if (t.result === 'invalid') assert.equal(got.ok, false, `invalid vector accepted: ${label}`);
        if (t.result === 'valid' && supported) {
          assert.ok(got.ok && jose.ok, `valid supported vector refused: ${label}`);
          assert.equal(got.plaintext, jose.plaintext, label);
          assert.equal(got.plaintext, t.pt, label);
          accepted.set(String(alg), (accepted.get(String(alg)) ?? 0) + 1);
        } else if (!supported) {
          assert.equal(got.ok, false, `unsupported alg/enc accepted: ${label}`);
          if (!got.ok) refusedUnsupported.add(`${String(alg)} ${String(enc)} → ${got.reason}`);
        }
      }
    });
  }

  it('accepted the valid vectors of both supported algs with A256GCM, and refused every other alg and enc', () => {
    assert.deepEqual(Object.fromEntries(accepted), { 'ECDH-ES+A256KW': 1, 'RSA-OAEP-256': 1 });
    const refusals = [...refusedUnsupported].join('\n');
    for (const expected of [
      'RSA1_5 A256GCM → alg_not_allowed',
      'RSA-OAEP A256GCM → alg_not_allowed',
      'ECDH-ES A256GCM → alg_not_allowed',
      'RSA-OAEP-256 A128GCM → enc_not_allowed',
      'ECDH-ES+A256KW A128CBC-HS256 → enc_not_allowed',
      'A256KW A256GCM → key_refused',
    ]) {
      assert.ok(refusals.includes(expected), `missing: ${expected}\n${refusals}`);
    }
  });
});
