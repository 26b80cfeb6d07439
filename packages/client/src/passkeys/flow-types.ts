import type { BulwarkUser, HttpMethod, RequestOptions } from '../types.js';

/** The client's JSON request (authorised) and its cookie-mode login step, as the flows use them. */
export type Request = <T>(method: HttpMethod, path: string, options?: RequestOptions) => Promise<T>;
export type LogIn = (path: string, fields: Record<string, unknown>) => Promise<BulwarkUser>;
