import { dpopRulesFrom, type DpopOptions, type DpopRules } from './options.js';
import { checkDpopProof, type DpopRequest, type VerifiedDpopProof } from './proof.js';

/** A verifier's DPoP proof checking, with its options applied (createVerifier's `dpop`). */
export interface DpopChecker {
  readonly rules: DpopRules;
  /** Throws (or rejects with) InvalidDpopProofError / UseDpopNonceError; sync unless the replay cache is async. */
  check(
    header: string | readonly string[] | undefined,
    request: DpopRequest,
  ): VerifiedDpopProof | Promise<VerifiedDpopProof>;
}

/** The DPoP proof checks of a verifier, from its `dpop` options (validated here, at start-up). */
export function createDpopChecker(
  options: DpopOptions | undefined,
  defaultSkewSeconds: number,
  now: () => number,
): DpopChecker {
  const rules = dpopRulesFrom(options, defaultSkewSeconds, now);
  return { rules, check: (header, request) => checkDpopProof(header, request, rules) };
}
