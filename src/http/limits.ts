import { checkedDefaults } from '../config/defaults.js';

/**
 * The HTTP toolkit's defaults, declared here once and checked at load: request size limits and
 * connection timeouts. (Page sizes are the contract's: @bulwark/contract PAGE_LIMITS.)
 *
 * Request size limits: anything larger is refused with a 4xx before a handler runs.
 */
export const HTTP_LIMITS = checkedDefaults('http', {
  /** Request body: larger is 413 payload_too_large. */
  bodyBytes: 64 * 1024,
  paramLength: 128,
  /** Request target (path + query): longer is 414 uri_too_long. */
  urlBytes: 8 * 1024,
  /** The whole request header section (request line included). Node's parser enforces it: more
   *  is 431, answered as problem+json by the client-error handler (src/http/client-error.ts). */
  headerBytes: 16 * 1024,
  /** JSON bodies: deeper nesting or more object members is 400 invalid_request. */
  jsonDepth: 32,
  jsonKeys: 1_000,
});

/**
 * Connection timeouts (ms) against slow or idle clients (slowloris): a request must arrive whole
 * (headers and body) within `requestMs` or it is answered 408 and the socket closed; a socket
 * with no traffic for `idleMs` is closed; an idle keep-alive connection is closed after
 * `keepAliveMs`. Node checks the request deadline every `checkIntervalMs`.
 */
export interface ServerTimeouts {
  requestMs: number;
  idleMs: number;
  keepAliveMs: number;
  checkIntervalMs: number;
}

export const SERVER_TIMEOUTS: ServerTimeouts = checkedDefaults('http', {
  requestMs: 10_000,
  idleMs: 30_000,
  keepAliveMs: 5_000,
  checkIntervalMs: 1_000,
});

/** How long a connection answered by the client-error handler keeps draining the client's bytes. */
export const CLIENT_ERROR_LINGER_MS = 2_000;
