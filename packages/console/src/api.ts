import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import {
  BulwarkProblemError,
  type BulwarkClient,
  type BulwarkPasskeys,
  type BulwarkUser,
  type HttpMethod,
  type RequestOptions as ClientRequestOptions,
} from '@bulwark/client';
import { PROBLEM_CODE } from '@bulwark/contract/registry';
import { payrollAccess, type PayrollAccess } from './access';

export type Method = HttpMethod;
export type Query = Record<string, string | number | undefined>;

/** The client's request options without the signal (the console aborts nothing); empty query values are dropped. */
export type RequestOptions = Omit<ClientRequestOptions, 'signal' | 'query'> & { query?: Query };

/** What every view gets: the signed-in user and JSON requests through @bulwark/client. */
export interface Api {
  user: BulwarkUser;
  /** What the payroll views show, from the payroll token's scope. */
  payroll: PayrollAccess;
  /** Signs out and shows the sign-in form with a notice (after a step-up refusal: RFC 9470). */
  signInAgain(): void;
  request<T>(method: Method, path: string, options?: RequestOptions): Promise<T>;
  /** The user's passkeys (the WebAuthn ceremonies run in the client). */
  passkeys: BulwarkPasskeys;
}

export const ApiContext = createContext<Api | null>(null);

export function useApi(): Api {
  const api = useContext(ApiContext);
  if (api === null) throw new Error('useApi outside a signed-in console');
  return api;
}

/** Drops empty filter values, so `?from=` never reaches the API. */
function cleanQuery(query: Query | undefined): Record<string, string> | undefined {
  if (query === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== '') out[name] = String(value);
  return out;
}

/**
 * 401 codes that mean no valid session is left (token_expired survives only a failed refresh).
 * Not `insufficient_user_authentication`: the session is fine, the write needs a newer login.
 */
const SESSION_OVER: ReadonlySet<string> = new Set([
  PROBLEM_CODE.invalid_token,
  PROBLEM_CODE.invalid_grant,
  PROBLEM_CODE.token_expired,
]);

/**
 * Requests through the client, which adds the bearer token and refreshes it once on
 * `token_expired`. A 401 that survives that means the session is over (revoked, signed out in
 * another tab, user disabled): `onSessionEnded` returns the console to the sign-in form.
 */
export function createApi(
  client: BulwarkClient,
  user: BulwarkUser,
  onSessionEnded: () => void,
  signInAgain: () => void,
): Api {
  return {
    user,
    payroll: payrollAccess(client.scope),
    signInAgain,
    passkeys: client.passkeys,
    async request<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
      try {
        return await client.request<T>(method, path, { ...options, query: cleanQuery(options.query) });
      } catch (error) {
        if (error instanceof BulwarkProblemError && SESSION_OVER.has(error.code)) onSessionEnded();
        throw error;
      }
    },
  };
}
