import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';

/** Helmet's defaults with a deny frame policy and no referrer; CSP and HSTS are per request (transport.ts). */
const HELMET_OPTIONS: Readonly<HelmetOptions> = {
  contentSecurityPolicy: false,
  strictTransportSecurity: false,
  xFrameOptions: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
};

/**
 * The headers helmet sets with `options`, computed once. With CSP and HSTS left out, what helmet
 * sets does not depend on the request, so running its middleware on every request (as
 * @fastify/helmet does, building a new middleware chain per request and an async hook besides: 7 %
 * of an introspection's CPU) only repeats this. Helmet stays the authority on the header values.
 */
export function helmetHeaders(options: Readonly<HelmetOptions> = HELMET_OPTIONS): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
      return response;
    },
    removeHeader() {},
  };
  let finished = false;
  helmet({ ...options })({} as IncomingMessage, response as unknown as ServerResponse, (error?: unknown) => {
    if (error !== undefined) throw error;
    finished = true;
  });
  // Every middleware of helmet 8 is synchronous; a future asynchronous one must not go unnoticed.
  if (!finished) throw new Error('helmet did not set its headers synchronously');
  return Object.freeze(headers);
}

/** What every answer carries, whatever the route: helmet's headers with Bulwark's options. */
export const SECURITY_HEADERS = helmetHeaders();
