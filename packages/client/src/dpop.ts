/**
 * DPoP (RFC 9449) for the browser: an ECDSA P-256 key made by WebCrypto as non-extractable signs
 * a proof for every login and refresh; the answer's token_type says whether the server bound the
 * tokens to it (DPoP) or ignored the proof (Bearer: a server without DPoP, RFC 9449 §5), and API
 * calls with a bound token carry a fresh proof each. A copied token or refresh cookie is then
 * useless without the key. No extra request: the first answer tells. The key pair is kept in IndexedDB as CryptoKey objects: the browser
 * stores the private key opaquely and script can use it but never read it out, and every tab
 * and a reload find the same key, which the session's refresh token is bound to. Without
 * IndexedDB (private modes, Node) the key lives in memory; without WebCrypto the client stays
 * on Bearer tokens.
 */
export interface Dpop {
  /** The proof for this request (with ath when a token goes with it), or null when DPoP is off. */
  proof(method: string, path: string, token?: string): Promise<string | null>;
}

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const text = new TextEncoder();

const b64u = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes))
    .replace(/=+$/, '')
    .replace(/\+/g, '-')
    .replace(/\//g, '_');
const encode = (value: unknown): string => b64u(text.encode(JSON.stringify(value)));

/** One request to the key store ('k' in database bulwark-dpop); rejects where there is no IndexedDB. */
function idb<T>(write: boolean, use: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open('bulwark-dpop', 1);
    open.onupgradeneeded = () => open.result.createObjectStore('k');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const request = use(db.transaction('k', write ? 'readwrite' : 'readonly').objectStore('k'));
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
      request.transaction?.addEventListener('complete', () => db.close());
    };
  });
}

async function loadKey(): Promise<CryptoKeyPair> {
  const kept = await idb(false, (s) => s.get('key') as IDBRequest<CryptoKeyPair | undefined>).catch(() => undefined);
  if (kept !== undefined) return kept;
  const made = await crypto.subtle.generateKey(ALG, false, ['sign', 'verify']);
  // add, not put: of two tabs racing, the second adopts the key the first stored.
  return idb(true, (s) => s.add(made, 'key')).then(
    () => made,
    () =>
      idb(false, (s) => s.get('key') as IDBRequest<CryptoKeyPair | undefined>).then(
        (k) => k ?? made,
        () => made,
      ),
  );
}

/** `enabled` false: never (Bearer tokens only). */
export function createDpop(enabled: boolean, baseUrl: string): Dpop {
  let key: Promise<{ pair: CryptoKeyPair; jwk: JsonWebKey } | null> | undefined;
  const ready = () =>
    (key ??= Promise.resolve(enabled && globalThis.crypto?.subtle !== undefined)
      .then(async (on) => {
        if (!on) return null;
        const pair = await loadKey();
        const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', pair.publicKey);
        return { pair, jwk: { kty, crv, x, y } };
      })
      .catch(() => null));

  return {
    async proof(method, path, token) {
      const k = await ready();
      if (k === null) return null;
      const url = new URL(baseUrl + path, globalThis.location?.href);
      const claims: Record<string, unknown> = {
        htm: method,
        htu: url.origin + url.pathname,
        iat: Math.floor(Date.now() / 1000),
        jti: crypto.randomUUID(),
      };
      if (token !== undefined)
        claims.ath = b64u(new Uint8Array(await crypto.subtle.digest('SHA-256', text.encode(token))));
      const input = `${encode({ typ: 'dpop+jwt', alg: 'ES256', jwk: k.jwk })}.${encode(claims)}`;
      return `${input}.${b64u(new Uint8Array(await crypto.subtle.sign(ALG, k.pair.privateKey, text.encode(input))))}`;
    },
  };
}
