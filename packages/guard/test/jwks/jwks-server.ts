import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJwksSource, type RemoteJwksSource } from '../../src/jwks/remote-jwks.js';
import type { RemoteJwksOptions } from '../../src/jwks/remote-jwks-options.js';
import { keys } from '../helpers.js';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A real node:http server on an ephemeral loopback port whose answer the test swaps at will. */
export interface JwksServer {
  readonly url: string;
  readonly origin: string;
  /** Requests received so far. */
  requests: number;
  handle: Handler;
  close(): Promise<void>;
}

export async function startJwksServer(handle: Handler = serveJwks(jwksOf('ES256'))): Promise<JwksServer> {
  const server = createServer((req, res) => {
    state.requests += 1;
    state.handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let closed = false;
  const state: JwksServer = {
    origin: `http://127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    requests: 0,
    handle,
    close: async () => {
      if (closed) return;
      closed = true;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return state;
}

/** 200 application/json with Content-Length, plus any extra headers. */
export function serveJwks(document: unknown, headers: Record<string, string> = {}): Handler {
  return (_req, res) => {
    const body = JSON.stringify(document);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
    res.end(body);
  };
}

export function serveStatus(status: number, headers: Record<string, string> = {}): Handler {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end('{}');
  };
}

/** Accepts the request and never answers. */
export const hang: Handler = () => undefined;

type PublicAlg = 'ES256' | 'EdDSA' | 'RS256' | 'PS256';

export function jwksOf(...algs: PublicAlg[]): { keys: Array<Readonly<Record<string, unknown>>> } {
  return { keys: algs.map((alg) => keys()[alg].publicJwk as Readonly<Record<string, unknown>>) };
}

/** A settable clock for the source (cooldown, max-age bookkeeping). */
export function clock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

/** A source on the server's URL, tracked for closing. */
export function sourceFor(
  server: JwksServer,
  track: RemoteJwksSource[],
  options: Partial<RemoteJwksOptions> = {},
): RemoteJwksSource {
  const source = createRemoteJwksSource({
    url: server.url,
    algorithms: ['ES256', 'EdDSA', 'RS256', 'PS256'],
    ...options,
  });
  track.push(source);
  return source;
}

/** Polls until `check` holds (at most `ms`). */
export async function until(check: () => boolean, ms = 1000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}
