import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig, type Config } from '../config/index.js';
import {
  createRemoteJwksSource,
  isTokenError,
  LocalKeySource,
  verificationKeyFromJwk,
  type KeySource,
  type RevocationSource,
} from '@bulwark/guard';
import { createTokenOpener, isSigningAlg, PUBLIC_KEY_ALGS } from '@bulwark/guard/jose';
import { createAccessTokenVerifier } from '../auth/tokens/access-token-verifier.js';
import { withLocalVerification } from '../compose/cli.js';
import { printDecoded } from './token-decode.js';
import { UsageError } from './usage.js';

/** What each rejection reason means, for a person reading the CLI's answer. */
const CHECKS: Record<string, string> = {
  missing: 'token present',
  malformed: 'compact JWS form (three canonical base64url parts)',
  too_long: 'token length',
  header_invalid: 'header is a JSON object with alg and kid',
  alg_not_allowed: 'alg in the allow-list',
  alg_key_mismatch: "alg equals the key's own alg",
  unknown_kid: 'kid names a known key',
  typ_invalid: 'typ is at+jwt',
  crit_unsupported: 'no crit header',
  header_key_reference: 'no jku/x5u/jwk/x5c in the header',
  b64_unsupported: 'no b64 header',
  signature_invalid: 'signature',
  payload_invalid: 'payload is a JSON object',
  claim_missing: 'required claims present',
  claim_invalid: 'claim types',
  expired: 'exp not passed',
  nbf_future: 'nbf not in the future',
  iat_future: 'iat not in the future',
  iss_mismatch: 'iss matches',
  aud_mismatch: 'aud matches',
  lifetime_exceeded: 'lifetime (exp - iat) within the access TTL + skew',
  revoked: 'not revoked',
  jwe_unexpected: 'a signed token (this deployment does not encrypt: BULWARK_TOKEN_ENCRYPTION_KEY_FILE unset)',
  jwe_required: 'an encrypted token (BULWARK_TOKEN_ENCRYPTION_KEY_FILE is set)',
  enc_not_allowed: 'enc is A256GCM',
  zip_unsupported: 'no zip header',
  cty_invalid: 'cty is JWT (a nested JWT)',
  epk_invalid: 'epk is a P-256 point on the curve',
  decryption_failed: 'decrypts with the configured key (key unwrap and GCM tag)',
};

export async function tokenVerify(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: { jwks: { type: 'string' }, issuer: { type: 'string' }, audience: { type: 'string' } },
  });
  if (positionals.length !== 1) throw new UsageError('token verify needs exactly one token');
  const token = positionals[0] as string;
  const config = loadConfig();
  const issuer = values.issuer ?? config.issuer;
  const audience = values.audience ?? config.audience;
  printDecoded(token, false);
  const inner = decrypted(token, config.tokenEncryption);
  if (inner !== undefined) printDecoded(inner, false);
  const run = async (keys: KeySource, revocations: RevocationSource | undefined, source: string) => {
    const verifier = createAccessTokenVerifier(
      {
        issuer,
        audience,
        clockSkewSeconds: config.clockSkewSeconds,
        accessTokenTtlSeconds: config.accessTokenTtlSeconds,
        tokenEncryption: config.tokenEncryption,
      },
      { keys, revocations: revocations ?? NO_REVOCATIONS, ...(values.audience === undefined ? {} : { audience }) },
    );
    console.log(
      `keys: ${source}; issuer ${issuer}; audience ${audience}${revocations ? '' : '; revocation not checked (no store)'}`,
    );
    try {
      await verifier.verifyAsync(token);
      console.log('VALID: every check passed');
    } catch (error) {
      if (!isTokenError(error)) throw error;
      console.log(
        `INVALID: first failed check: ${CHECKS[error.reason] ?? error.reason} (${error.reason})${hint(error.reason, inner ?? token, issuer, audience)}`,
      );
      process.exitCode = 1;
    }
  };
  const jwks = values.jwks;
  if (jwks === undefined) {
    await withLocalVerification((s) => run(s.keys.source, s.revocations.set, `local store (${config.dataDir})`));
  } else if (/^https?:\/\//.test(jwks)) {
    const remote = createRemoteJwksSource({ url: jwks, algorithms: [...PUBLIC_KEY_ALGS] });
    try {
      await remote.ready().catch((error: unknown) => {
        throw new Error(`cannot fetch the JWKS from ${jwks}: ${causeOf(error)}`, { cause: error });
      });
      await run(remote, undefined, jwks);
    } finally {
      remote.close();
    }
  } else {
    await run(jwksFile(jwks), undefined, jwks);
  }
}

function jwksFile(path: string): KeySource {
  const document = JSON.parse(readFileSync(path, 'utf8')) as { keys?: unknown };
  if (!Array.isArray(document.keys)) throw new Error(`${path} is not a JWKS (no "keys" array)`);
  const keys = [];
  for (const jwk of document.keys as Array<Record<string, unknown>>) {
    if (typeof jwk.alg === 'string' && isSigningAlg(jwk.alg)) keys.push(verificationKeyFromJwk(jwk, jwk.alg));
  }
  return new LocalKeySource(keys);
}

const NO_REVOCATIONS: RevocationSource = { isRevoked: () => false };

/** The nested JWS of an encrypted token, for display; undefined when not encrypted or not decryptable (verify says why). */
function decrypted(token: string, key: Config['tokenEncryption']): string | undefined {
  if (key === undefined || token.split('.').length !== 5) return undefined;
  try {
    const inner = createTokenOpener({ key: key.privateKey, alg: key.alg }, 'at+jwt', 1 << 16)(token);
    console.log(`decrypted with the configured key (${key.alg}, kid ${key.kid}); the nested JWS:`);
    return inner;
  } catch {
    return undefined;
  }
}

/** For a claim mismatch: what was expected, and how to expect something else. */
function hint(reason: string, token: string, issuer: string, audience: string): string {
  const claims = payloadOf(token);
  if (reason === 'iss_mismatch')
    return `: the token's iss is ${JSON.stringify(claims?.iss)}, expected ${JSON.stringify(issuer)} (BULWARK_ISSUER, or --issuer)`;
  if (reason === 'aud_mismatch')
    return `: the token's aud is ${JSON.stringify(claims?.aud)}, expected ${JSON.stringify(audience)} (BULWARK_AUDIENCE, or --audience)`;
  return '';
}

function payloadOf(token: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** The innermost cause's message (fetch wraps the network error: ECONNREFUSED, ENOTFOUND, …). */
function causeOf(error: unknown): string {
  let current = error as { message?: string; cause?: unknown; code?: string } | undefined;
  const parts: string[] = [];
  while (current !== undefined && current !== null) {
    if (current.message !== undefined)
      parts.push(
        current.code !== undefined && !current.message.includes(current.code)
          ? `${current.message} (${current.code})`
          : current.message,
      );
    current = current.cause as typeof current;
  }
  return parts.join(': ') || String(error);
}
