import { OAUTH_ERROR } from '@bulwark/contract/registry';
import { OAuthError } from './errors.js';

/** A parsed application/x-www-form-urlencoded body: a repeated parameter arrives as a list. */
export type FormParams = Readonly<Record<string, string | string[] | undefined>>;

/** RFC 6749 §3.1: parameters sent without a value are treated as omitted; none may repeat. */
export function optionalParam(params: FormParams, name: string): string | undefined {
  const value = params[name];
  if (Array.isArray(value)) throw new OAuthError(OAUTH_ERROR.invalid_request, `The parameter ${name} is repeated.`);
  return value === undefined || value === '' ? undefined : value;
}

export function requiredParam(params: FormParams, name: string): string {
  const value = optionalParam(params, name);
  if (value === undefined) throw new OAuthError(OAUTH_ERROR.invalid_request, `The parameter ${name} is missing.`);
  return value;
}

/** RFC 8707 §2: `resource` may be repeated. */
export function listParam(params: FormParams, name: string): string[] {
  const value = params[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((v) => v !== '');
}
