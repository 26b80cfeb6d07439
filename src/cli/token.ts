import { tokenDecode } from './token-decode.js';
import { tokenVerify } from './token-verify.js';
import { UsageError } from './usage.js';

/** `token decode` shows what a token says, verifying nothing; `token verify` checks it. */
export async function tokenCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === 'verify') return tokenVerify(rest);
  if (sub === 'decode') return tokenDecode(rest);
  throw new UsageError(`unknown token command "${sub ?? ''}" (decode, verify)`);
}
