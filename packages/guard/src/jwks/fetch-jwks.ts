import { parseJsonObject } from '../encoding/strict-json.js';
import { JwksFetchError } from '../errors.js';
import type { RemoteJwksSettings } from './remote-jwks-options.js';

/** One JWKS response, read within the limits. */
export interface FetchedJwks {
  /** A strict-JSON object (not yet known to be a JWKS). */
  readonly document: Record<string, unknown>;
  /** From `Cache-Control: max-age`, unclamped; undefined when the response has none. */
  readonly maxAgeMs: number | undefined;
}

type FetchSettings = Pick<RemoteJwksSettings, 'url' | 'where' | 'fetch' | 'timeoutMs' | 'maxBytes'>;

const JSON_TYPES = new Set(['application/json', 'application/jwk-set+json']);

/**
 * One GET of the JWKS URL. Redirects are never followed (a 3xx fails), only 200 with a JSON
 * content type is read, the body is capped at maxBytes (Content-Length checked first, then the
 * bytes as they arrive), and the timeout covers the body too. Every failure is a JwksFetchError.
 */
export async function fetchJwks(settings: FetchSettings, stop: AbortSignal): Promise<FetchedJwks> {
  const { where, timeoutMs } = settings;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = AbortSignal.any([timeout, stop]);
  try {
    const response = await settings.fetch(settings.url, {
      method: 'GET',
      redirect: 'manual',
      signal,
      headers: { accept: 'application/jwk-set+json, application/json' },
    });
    const bytes = await readBody(response, settings);
    const document = parseJsonObject(bytes, settings.maxBytes);
    if (document === null) throw new JwksFetchError(where, 'the response is not a strict JSON object');
    return { document, maxAgeMs: maxAgeMs(response.headers.get('cache-control')) };
  } catch (error) {
    if (error instanceof JwksFetchError) throw error;
    if (timeout.aborted) throw new JwksFetchError(where, `no complete answer within ${timeoutMs} ms`, { cause: error });
    if (stop.aborted) throw new JwksFetchError(where, 'the source was closed', { cause: error });
    throw new JwksFetchError(where, `request failed: ${describe(error)}`, { cause: error });
  }
}

async function readBody(response: Response, settings: FetchSettings): Promise<Uint8Array> {
  const { where, maxBytes } = settings;
  const refuse = async (why: string): Promise<never> => {
    await response.body?.cancel().catch(() => undefined);
    throw new JwksFetchError(where, why);
  };
  const redirected = response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400);
  if (redirected) return refuse(`redirect refused (HTTP ${response.status})`);
  if (response.status !== 200) return refuse(`HTTP ${response.status}`);
  const type = (response.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!JSON_TYPES.has(type))
    return refuse(`content type "${type.slice(0, 64)}" is not application/json or application/jwk-set+json`);
  const declared = response.headers.get('content-length');
  if (declared !== null && Number(declared) > maxBytes)
    return refuse(`Content-Length ${Number(declared)} exceeds ${maxBytes} bytes`);
  if (response.body === null) return refuse('empty response');

  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new JwksFetchError(where, `body exceeds ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

/** `max-age=N` of a Cache-Control header, in ms (s-maxage and other directives ignored). */
export function maxAgeMs(cacheControl: string | null): number | undefined {
  if (cacheControl === null) return undefined;
  for (const directive of cacheControl.split(',')) {
    const match = /^\s*max-age\s*=\s*"?(\d{1,12})"?\s*$/i.exec(directive);
    if (match !== null) return Number(match[1]) * 1000;
  }
  return undefined;
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message.slice(0, 200);
  return error instanceof Error ? error.message.slice(0, 200) : 'unknown error';
}
