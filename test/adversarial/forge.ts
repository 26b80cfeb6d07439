import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { connect } from 'node:net';
import { b64url, callWith, signEs256, type Target } from './harness.js';

/**
 * Token-building helpers for the forgery suites: tokens from exact header and payload bytes,
 * signed by the target's own key (so only the property under test can make the server refuse
 * them), and the assertions every forged token must meet.
 */

/** The order n of the P-256 group (SEC 2 §2.4.2). */
export const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

/** The challenge CONTRACT §4 requires on every 401 invalid_token. */
export const INVALID_TOKEN_CHALLENGE = 'Bearer realm="bulwark", error="invalid_token"';

/** Header and payload as sent: text (UTF-8) or exact bytes. */
export type Segment = string | Uint8Array;

/** `<b64url(header)>.<b64url(payload)>` over the exact bytes given. */
export function signingInput(header: Segment, payload: Segment): string {
  return `${b64url(Buffer.from(header))}.${b64url(Buffer.from(payload))}`;
}

/** A token over exact header/payload bytes, ES256-signed (JOSE r||s) by the target's own key. */
export function signedRaw(target: Target, header: Segment, payload: Segment): string {
  const input = signingInput(header, payload);
  return `${input}.${signEs256(target.privateKey, input)}`;
}

/** The header the target's own tokens carry, as JSON text, with `extra` merged in. */
export function headerText(target: Target, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ alg: 'ES256', typ: 'at+jwt', kid: target.kid, ...extra });
}

/** An HMAC-"signed" token: header and claims as given, the MAC keyed with `secret`. */
export function hmacToken(
  hash: 'sha256' | 'sha384' | 'sha512',
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  secret: Buffer | string,
): string {
  const input = signingInput(JSON.stringify(header), JSON.stringify(claims));
  return `${input}.${b64url(createHmac(hash, secret).update(input).digest())}`;
}

/** Replaces a compact token's signature segment with these bytes (b64url-encoded). */
export function withSignature(token: string, signature: Uint8Array): string {
  return `${token.slice(0, token.lastIndexOf('.'))}.${b64url(Buffer.from(signature))}`;
}

/** The raw r||s bytes of a compact ES256 token's signature. */
export function signatureOf(token: string): Buffer {
  return Buffer.from(token.slice(token.lastIndexOf('.') + 1), 'base64url');
}

/** 32-byte big-endian encoding of a P-256 scalar. */
export function scalar(value: bigint): Buffer {
  return Buffer.from(value.toString(16).padStart(64, '0'), 'hex');
}

/** An attacker's own key pair, never known to the server. */
export function attackerEc(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' });
}

/** ES256 (JOSE form) over `input` with any P-256 private key. */
export function es256With(privateKey: KeyObject, input: string): string {
  return b64url(sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }));
}

export interface Answer {
  status: number;
  code: string | undefined;
  contentType: string | null;
  wwwAuthenticate: string | null;
}

/** Asserts the one answer CONTRACT §4 allows for a refused token: 401 invalid_token + challenge. */
export function assertInvalidToken(answer: Answer, what: string): void {
  assert.deepEqual(
    { status: answer.status, code: answer.code, challenge: answer.wwwAuthenticate },
    { status: 401, code: 'invalid_token', challenge: INVALID_TOKEN_CHALLENGE },
    what,
  );
  assert.match(answer.contentType ?? '', /^application\/problem\+json/, `${what}: problem+json`);
}

/** Sends `token` as a bearer token and asserts it is refused exactly as the contract says. */
export async function expectRejected(
  target: Target,
  token: string,
  what: string,
  path = '/api/users/me',
): Promise<void> {
  assertInvalidToken(await callWith(target, token, path), what);
}

/** Sends `token` and asserts it is accepted (the control that shows a forgery builder is right). */
export async function expectAccepted(
  target: Target,
  token: string,
  what: string,
  path = '/api/users/me',
): Promise<void> {
  const answer = await callWith(target, token, path);
  assert.equal(answer.status, 200, `${what}: expected 200, got ${answer.status} ${answer.code ?? ''}`);
}

/** Runs `check` on every case, at most `width` at a time. */
export async function inBatches<T>(
  items: readonly T[],
  width: number,
  check: (item: T, index: number) => Promise<void>,
): Promise<void> {
  for (let i = 0; i < items.length; i += width) {
    await Promise.all(items.slice(i, i + width).map((item, j) => check(item, i + j)));
  }
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  code: string | undefined;
}

/**
 * One HTTP/1.1 request written byte for byte on a fresh socket (fetch refuses what these tests
 * must send: duplicate Authorization headers, control characters, header sections past its own
 * limits). `headerLines` go between the request line and the blank line, unvalidated. Resolves
 * with the first response once the server closes the connection (or after one whole response).
 */
export function rawRequest(
  url: string,
  path: string,
  headerLines: readonly string[],
  timeoutMs = 5_000,
): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = () => {
      if (settled) return;
      const text = Buffer.concat(chunks).toString('latin1');
      const parsed = parseResponse(text);
      if (parsed === null) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(parsed);
    };
    const timer = setTimeout(() => {
      settled = true;
      socket.destroy();
      reject(
        new Error(
          `no complete response to the raw request within ${timeoutMs} ms: ${JSON.stringify(Buffer.concat(chunks).toString('latin1').slice(0, 200))}`,
        ),
      );
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      finish();
    });
    // The server may close while we still write a giant header section: what it answered counts.
    socket.on('error', () => finish());
    socket.on('close', () => {
      finish();
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        reject(
          new Error(
            `connection closed without a complete response: ${JSON.stringify(Buffer.concat(chunks).toString('latin1').slice(0, 200))}`,
          ),
        );
      }
    });
    socket.on('connect', () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\n${headerLines.map((l) => `${l}\r\n`).join('')}Connection: close\r\n\r\n`,
        'latin1',
      );
    });
  });
}

/** A whole response (Content-Length framed) or null while incomplete. */
function parseResponse(text: string): RawAnswer | null {
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1]);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = Number(headers['content-length'] ?? Number.NaN);
  const body = text.slice(end + 4);
  if (!Number.isInteger(length) || Buffer.byteLength(body, 'latin1') < length) return null;
  let code: string | undefined;
  if ((headers['content-type'] ?? '').startsWith('application/problem+json'))
    code = (JSON.parse(body.slice(0, length)) as { code?: string }).code;
  return { status, headers, body: body.slice(0, length), code };
}

/** rawRequest's answer in the shape assertInvalidToken reads. */
export function asAnswer(raw: RawAnswer): Answer {
  return {
    status: raw.status,
    code: raw.code,
    contentType: raw.headers['content-type'] ?? null,
    wwwAuthenticate: raw.headers['www-authenticate'] ?? null,
  };
}
