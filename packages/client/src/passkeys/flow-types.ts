import type { BulwarkUser, HttpMethod, RequestOptions } from '../types.js';

/** The client's JSON request (authorised), as the flows use it. */
export type Request = <T>(method: HttpMethod, path: string, options?: RequestOptions) => Promise<T>;
/** The client's cookie-mode login step: posts `fields` to `path`, signs the tab in with the answer. */
export type LogIn = (path: string, fields: Record<string, unknown>) => Promise<BulwarkUser>;
