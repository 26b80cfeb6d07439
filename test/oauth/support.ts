import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import type { Harness } from '../helpers/harness.js';

export const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

export function basic(id: string, secret: string): { authorization: string } {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return { authorization: `Basic ${Buffer.from(`${encode(id)}:${encode(secret)}`).toString('base64')}` };
}

/** POSTs a form to an OAuth endpoint of the harness. */
export function postForm(
  h: Harness,
  url: string,
  params: Record<string, string | string[]>,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(params))
    for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
  return h.app.inject({ method: 'POST', url, headers: { ...FORM, ...headers }, payload: body.toString() });
}

/** Asserts an RFC 6749 §5.2 error answer (status, error code, no caching) and returns its body. */
export function oauthError(
  response: LightMyRequestResponse,
  status: number,
  error: string,
): { error: string; error_description?: string } {
  assert.equal(response.statusCode, status, response.body);
  assert.match(String(response.headers['content-type']), /^application\/json/);
  assert.equal(response.headers['cache-control'], 'no-store');
  assert.equal(response.headers.pragma, 'no-cache');
  const body = response.json<{ error: string; error_description?: string }>();
  assert.equal(body.error, error, response.body);
  if (status === 401) assert.match(String(response.headers['www-authenticate']), /^Basic realm="bulwark"/);
  return body;
}

export async function addClient(
  h: Harness,
  input: { scope?: string; audiences?: string[]; introspection?: boolean; name?: string } = {},
): Promise<{ id: string; secret: string }> {
  const { client, secret } = await h.services.clients.create(
    {
      name: input.name ?? 'reporting job',
      scope: input.scope ?? 'payroll:read',
      audiences: input.audiences,
      introspection: input.introspection,
    },
    null,
  );
  return { id: client.id, secret: secret as string };
}
