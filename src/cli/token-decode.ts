import { parseArgs } from 'node:util';
import { UsageError } from './usage.js';

const TIME_CLAIMS = ['exp', 'iat', 'nbf'];

/** `token decode` shows what a token says, verifying nothing. */
export async function tokenDecode(args: string[]): Promise<void> {
  const { positionals } = parseArgs({ args, allowPositionals: true, strict: true });
  if (positionals.length !== 1) throw new UsageError('token decode needs exactly one token');
  printDecoded(positionals[0] as string, true);
}

/** Header, claims and times in human form; `warn` says loudly that nothing was verified. */
export function printDecoded(token: string, warn: boolean): void {
  const parts = token.split('.');
  if (parts.length === 5) {
    console.log(
      'ENCRYPTED: a JWE (nested JWT); its claims are hidden. `bulwark token verify` decrypts it with BULWARK_TOKEN_ENCRYPTION_KEY_FILE.',
    );
    console.log(`JWE header: ${JSON.stringify(decodePart(parts[0] as string, 'header'), null, 2)}`);
    return;
  }
  if (parts.length !== 3) throw new Error('not a compact JWS or JWE: expected three or five dot-separated parts');
  const header = decodePart(parts[0] as string, 'header');
  const claims = decodePart(parts[1] as string, 'payload');
  if (warn) console.log('NOT VERIFIED: the signature and claims below have not been checked.');
  console.log(`header: ${JSON.stringify(header, null, 2)}`);
  console.log(`claims: ${JSON.stringify(claims, null, 2)}`);
  const now = Date.now() / 1000;
  for (const name of TIME_CLAIMS) {
    const value = claims[name];
    if (typeof value !== 'number') continue;
    const delta = Math.round(value - now);
    console.log(
      `${name}: ${new Date(value * 1000).toISOString()} (${delta >= 0 ? `in ${delta} s` : `${-delta} s ago`})`,
    );
  }
}

function decodePart(part: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new Error(`the ${what} is not base64url JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`the ${what} is not a JSON object`);
  return value as Record<string, unknown>;
}
