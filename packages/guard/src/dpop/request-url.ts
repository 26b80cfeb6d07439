import type { IncomingMessage } from 'node:http';

/** What Express adds to a request (its trust-proxy setting decides protocol and host). */
interface ExpressLike {
  protocol?: unknown;
  host?: unknown;
  originalUrl?: unknown;
}

/**
 * The URL a client used for a node:http or Express request, for a DPoP proof's htu. Express:
 * req.protocol and req.host, which follow its `trust proxy` setting (X-Forwarded-Proto/Host only
 * from a trusted proxy), and req.originalUrl. Plain node:http trusts no forwarding header: the
 * socket says whether it is TLS and the Host header names the host; behind a proxy, put Express
 * (with trust proxy) or a URL-rewriting proxy in front.
 */
export function nodeRequestUrl(req: IncomingMessage): string {
  const express = req as IncomingMessage & ExpressLike;
  const path = typeof express.originalUrl === 'string' ? express.originalUrl : (req.url ?? '/');
  if (typeof express.protocol === 'string' && typeof express.host === 'string')
    return `${express.protocol}://${express.host}${path}`;
  const tls = (req.socket as { encrypted?: boolean } | undefined)?.encrypted === true;
  return `${tls ? 'https' : 'http'}://${req.headers.host ?? ''}${path}`;
}
