import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, signIn, startConsoleServer, watchCsp, type ConsoleServer } from './harness.js';

/** A JWT-shaped string (three base64url parts, the first a JSON header) or a long opaque secret. */
const TOKEN_LIKE = /eyJ[\w-]+\.[\w-]+\.[\w-]*|[\w-]{32,}/;

/** Everything a script on the page can read that could hold a token. */
interface KeptKey {
  kind: string;
  privateType: string;
  privateExtractable: boolean;
  publicExtractable: boolean;
}

async function scriptReadableState(page: Page): Promise<{
  local: string[];
  session: string[];
  cookie: string;
  databases: string[];
  kept: KeptKey[];
  windowStrings: string[];
}> {
  return page.evaluate(`(async () => {
    const entries = (storage) => Object.keys(storage).map((name) => name + '=' + storage.getItem(name));
    const windowStrings = Object.keys(window).filter((name) => typeof window[name] === 'string').map((name) => window[name]);
    const databases = typeof indexedDB.databases === 'function' ? (await indexedDB.databases()).map((d) => d.name) : [];
    // What the DPoP key store holds, as script sees it (bulwark-dpop, object store 'k').
    const kept = databases.includes('bulwark-dpop') ? await new Promise((resolve, reject) => {
      const open = indexedDB.open('bulwark-dpop');
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const all = open.result.transaction('k').objectStore('k').getAll();
        all.onsuccess = () => resolve(all.result.map((v) => ({
          kind: Object.prototype.toString.call(v),
          privateType: Object.prototype.toString.call(v.privateKey),
          privateExtractable: v.privateKey.extractable,
          publicExtractable: v.publicKey.extractable,
        })));
        all.onerror = () => reject(all.error);
      };
    }) : [];
    return { local: entries(localStorage), session: entries(sessionStorage), cookie: document.cookie, databases, kept, windowStrings };
  })()`);
}

describe('console: no token where a script can read it; a reload keeps the session', { timeout: 60_000 }, () => {
  let server: ConsoleServer;
  let browser: Browser;
  before(async () => {
    [server, browser] = await Promise.all([startConsoleServer(), launchChromium()]);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('after sign-in and a tour of every view: empty storage, no script-readable cookie, the refresh cookie HttpOnly', async () => {
    const context = await browser.newContext();
    const cspViolations = await watchCsp(context);
    try {
      const page = await context.newPage();
      await page.goto(server.url);
      await signIn(page, 'alice', server.password('alice'));
      for (const [link, heading] of [
        ['Employees', 'Employees'],
        ['Sessions', 'Sessions'],
        ['Users', 'Users'],
        ['Keys', 'Keys'],
        ['Audit log', 'Audit log'],
        ['Payments', 'Payments'],
      ]) {
        await page.getByRole('link', { name: link, exact: true }).click();
        await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      }
      await page.getByRole('table', { name: 'Payments' }).getByRole('row').nth(1).waitFor();

      const state = await scriptReadableState(page);
      assert.deepEqual(state.local, [], 'localStorage is empty');
      assert.deepEqual(state.session, [], 'sessionStorage is empty');
      assert.equal(state.cookie, '', 'no cookie is readable by script');
      // IndexedDB holds only the DPoP key pair, as CryptoKey objects whose private key script
      // can use but never read out (non-extractable): no token, nothing to copy elsewhere.
      assert.deepEqual(state.databases, ['bulwark-dpop'], 'no IndexedDB database but the DPoP key store');
      assert.deepEqual(state.kept, [
        {
          kind: '[object Object]',
          privateType: '[object CryptoKey]',
          privateExtractable: false,
          publicExtractable: true,
        },
      ]);
      assert.deepEqual(
        state.windowStrings.filter((value) => TOKEN_LIKE.test(value)),
        [],
        'no token-like string on window',
      );

      const cookies = await context.cookies();
      const refresh = cookies.find((cookie) => cookie.name.endsWith('bulwark_refresh'));
      assert.ok(refresh, 'the refresh token rides in a cookie');
      assert.equal(refresh.httpOnly, true);
      assert.equal(refresh.sameSite, 'Strict');
      assert.equal(refresh.path, '/api/users-sessions');
      assert.deepEqual(
        cookies.filter((cookie) => !cookie.httpOnly).map((cookie) => cookie.name),
        [],
        'every cookie is HttpOnly',
      );
      assert.deepEqual(await cspViolations(), []);
    } finally {
      await context.close();
    }
  });

  it('a reload, on / and on a deep link, keeps the user signed in without the form', async () => {
    const context = await browser.newContext();
    const cspViolations = await watchCsp(context);
    try {
      const page = await context.newPage();
      await page.goto(server.url);
      await signIn(page, 'bob', server.password('bob'));
      await page.getByRole('link', { name: 'Employees' }).click();
      await page.getByRole('heading', { level: 1, name: 'Employees' }).waitFor();

      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'Employees' }).waitFor();
      await page.getByText('bob', { exact: true }).waitFor();
      assert.equal(await page.getByRole('button', { name: 'Sign in', exact: true }).count(), 0);
      assert.equal(new URL(page.url()).pathname, '/employees');

      // A second tab of the same browser opens signed in, through the cookie alone.
      const other = await context.newPage();
      await other.goto(`${server.url}/sessions`);
      await other.getByRole('heading', { level: 1, name: 'Sessions' }).waitFor();
      await other.getByRole('button', { name: 'Sign out', exact: true }).waitFor();
      assert.deepEqual(await cspViolations(), []);
    } finally {
      await context.close();
    }
  });

  it('the CSP refuses inline script and inline style, and such a violation is seen', async () => {
    const context = await browser.newContext();
    const cspViolations = await watchCsp(context);
    try {
      const page = await context.newPage();
      await page.goto(server.url);
      await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
      const ran = await page.evaluate(`new Promise((resolve) => {
        window.__inlineRan = false;
        const script = document.createElement('script');
        script.textContent = 'window.__inlineRan = true';
        document.body.append(script);
        const styled = document.createElement('div');
        styled.setAttribute('style', 'color: red');
        document.body.append(styled);
        setTimeout(() => resolve(window.__inlineRan), 200);
      })`);
      assert.equal(ran, false, 'the inline script did not run');
      const violations = await cspViolations();
      assert.ok(
        violations.some((v) => /script-src/.test(v)),
        `a script-src violation is reported: ${violations.join(' | ')}`,
      );
      assert.ok(
        violations.some((v) => /style-src/.test(v)),
        `a style-src violation is reported: ${violations.join(' | ')}`,
      );
    } finally {
      await context.close();
    }
  });
});
