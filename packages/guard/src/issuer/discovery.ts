import { feedUrl } from '../revocation/feed/options.js';

/** What the guard reads of the issuer's RFC 8414 (or OpenID Connect Discovery) metadata. */
export interface IssuerMetadata {
  readonly issuer: string;
  readonly jwks_uri: string;
  /** Needed for the SET feed's client credentials. */
  readonly token_endpoint?: string | undefined;
  /** Every other member, as the issuer sent it. */
  readonly [member: string]: unknown;
}

/** Where the issuer's endpoints are, as discovered. */
export interface Discovered {
  readonly metadata: IssuerMetadata;
  /** The SSF configuration_endpoint (where a SET stream is created), when the issuer publishes one. */
  readonly streamsUrl: string | undefined;
}

const PREFIX = 'issuer discovery';
/** Largest metadata document read (a real one is a few KiB). */
const MAX_BYTES = 64 * 1024;

/**
 * RFC 8414 §3.1 (`/.well-known/oauth-authorization-server`, inserted before the issuer's path),
 * then OpenID Connect Discovery (`/.well-known/openid-configuration`, appended) when the first
 * answers 404; the document's `issuer` must equal `issuer` exactly (RFC 8414 §3.3). Then the
 * Shared Signals configuration (`/.well-known/ssf-configuration`), optional.
 */
export async function discoverIssuer(
  issuer: string,
  fetchImpl: typeof globalThis.fetch,
  timeoutMs: number,
): Promise<Discovered> {
  const base = feedUrl(issuer, 'issuer', PREFIX);
  if (base.search !== '' || base.hash !== '') throw new TypeError(`${PREFIX}: issuer must have no query or fragment`);
  const path = base.pathname.replace(/\/+$/, '');
  const get = (where: string) => getJson(new URL(where, base.origin), fetchImpl, timeoutMs);
  const metadata =
    (await get(`/.well-known/oauth-authorization-server${path}`)) ??
    (await get(`${path}/.well-known/openid-configuration`));
  if (metadata === undefined) throw new Error(`${PREFIX}: ${base.origin} publishes no authorization server metadata`);
  if (metadata.issuer !== issuer)
    throw new Error(
      `${PREFIX}: the metadata names issuer ${JSON.stringify(metadata.issuer)}, not ${JSON.stringify(issuer)}`,
    );
  if (typeof metadata.jwks_uri !== 'string') throw new Error(`${PREFIX}: the metadata has no jwks_uri`);
  if (metadata.token_endpoint !== undefined && typeof metadata.token_endpoint !== 'string')
    throw new Error(`${PREFIX}: token_endpoint is not a string`);
  const ssf = await get(`/.well-known/ssf-configuration${path}`);
  const streams = ssf?.configuration_endpoint;
  return { metadata: metadata as IssuerMetadata, streamsUrl: typeof streams === 'string' ? streams : undefined };
}

/** The JSON object at `url`; undefined for a 404; throws for anything else that is not a JSON object. */
async function getJson(
  url: URL,
  fetchImpl: typeof globalThis.fetch,
  timeoutMs: number,
): Promise<Record<string, unknown> | undefined> {
  const where = `${url.origin}${url.pathname}`;
  const response = await fetchImpl(url, {
    headers: { accept: 'application/json' },
    redirect: 'error',
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (response.status === 404) {
    await response.body?.cancel();
    return undefined;
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`${PREFIX}: ${where} answered ${response.status}`);
  }
  const text = await response.text();
  if (Buffer.byteLength(text) > MAX_BYTES) throw new Error(`${PREFIX}: ${where} is larger than ${MAX_BYTES} bytes`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`${PREFIX}: ${where} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`${PREFIX}: ${where} is not a JSON object`);
  return value as Record<string, unknown>;
}
