/**
 * What a browser does with cookies, for a fetch in Node: remembers Set-Cookie (by name; Max-Age=0
 * deletes) and sends each cookie only to paths under its Path. The jar is shared by the "tabs" of one
 * test, like the cookie store of one browser profile. The client never sees the jar.
 */
export interface CookieJar {
  cookies: Map<string, { value: string; path: string }>;
  fetch: typeof fetch;
}

export function createCookieJar(): CookieJar {
  const cookies = new Map<string, { value: string; path: string }>();
  const jarFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : input);
    const headers = new Headers(init?.headers);
    const matching = [...cookies].filter(([, c]) => url.pathname === c.path || url.pathname.startsWith(`${c.path}/`));
    if (matching.length > 0) headers.set('cookie', matching.map(([name, c]) => `${name}=${c.value}`).join('; '));
    const res = await fetch(input, { ...init, headers });
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';').map((s) => s.trim());
      const [name = '', ...value] = pair.split('=');
      const path = attributes.find((a) => /^path=/i.test(a))?.slice(5) ?? '/';
      if (attributes.some((a) => /^max-age=0$/i.test(a))) cookies.delete(name);
      else cookies.set(name, { value: value.join('='), path });
    }
    return res;
  };
  return { cookies, fetch: jarFetch as typeof fetch };
}
