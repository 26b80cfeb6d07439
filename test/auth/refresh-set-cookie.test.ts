import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fastifyCookie } from '@fastify/cookie';
import { REFRESH_COOKIE, SECURE_REFRESH_COOKIE, refreshSetCookie } from '../../src/auth/sessions/routes.js';

describe('the refresh cookie line', () => {
  it('is what @fastify/cookie writes for the same name, value and attributes', () => {
    for (const name of [REFRESH_COOKIE, SECURE_REFRESH_COOKIE]) {
      for (const expires of [0, 1_700_000_000_123, Date.UTC(2030, 0, 31, 23, 59, 59)]) {
        const token = 'brt_Ab-_09xyzXYZ';
        assert.equal(
          refreshSetCookie(name, token, expires),
          fastifyCookie.serialize(name, token, {
            path: '/api/users-sessions',
            httpOnly: true,
            secure: true,
            sameSite: 'strict',
            expires: new Date(expires),
          }),
        );
      }
    }
  });

  it('refuses a value outside base64url instead of writing it', () => {
    for (const bad of ['', 'a;b', 'a b', 'a=b', 'a\r\nSet-Cookie: x=y', 'é']) {
      assert.throws(() => refreshSetCookie(REFRESH_COOKIE, bad, 0), /not base64url/);
    }
  });
});
