/** RFC 3986 §2.3 unreserved characters: their percent-encoded form means the same character. */
const UNRESERVED = /[A-Za-z0-9\-._~]/;

/**
 * The form of a URL that DPoP compares (RFC 9449 §4.3 step 9, §4.2 htu): scheme, host and path,
 * without userinfo, query and fragment, after syntax- and scheme-based normalisation (RFC 3986
 * §6.2.2-6.2.3: case of scheme and host, default port, dot segments, an empty path as "/",
 * percent-encodings of unreserved characters decoded, the others in upper case). The WHATWG URL
 * parser does all of that but the last. null for anything that is not an absolute http(s) URL.
 */
export function normalizeHtu(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  const path = url.pathname.replace(/%([0-9A-Fa-f]{2})/g, (escape, hex: string) => {
    const char = String.fromCharCode(Number.parseInt(hex, 16));
    return UNRESERVED.test(char) ? char : escape.toUpperCase();
  });
  return `${url.protocol}//${url.host}${path}`;
}
