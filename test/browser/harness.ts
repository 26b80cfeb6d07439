import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { demoPassword, startServe, type ServerProcess } from '../helpers/process.js';

/** Debian's chromium (.ci/run installs it with apt-get when missing). */
export const CHROMIUM = process.env.BULWARK_TEST_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
const CONSOLE_INDEX = fileURLToPath(new URL('../../packages/console/dist/index.html', import.meta.url));

export function launchChromium(): Promise<Browser> {
  assert.ok(
    existsSync(CHROMIUM),
    `no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set BULWARK_TEST_CHROMIUM)`,
  );
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export interface ConsoleServer {
  url: string;
  /** Its data dir (mail goes to `<dataDir>/outbox/*.eml`: no SMTP in development). */
  dataDir: string;
  password(user: 'alice' | 'bob' | 'carol'): string;
  output(): string;
  stop(): Promise<void>;
}

/** `bulwark serve` as a user runs it: a fresh data directory, the demo seed, an ephemeral port. */
export async function startConsoleServer(env: Record<string, string> = {}): Promise<ConsoleServer> {
  assert.ok(
    existsSync(CONSOLE_INDEX),
    'the console is not built: npm run build (or npm run build -w @bulwark/console)',
  );
  const dataDir = mkdtempSync(join(tmpdir(), 'bulwark-browser-'));
  let server: ServerProcess;
  try {
    server = await startServe({ BULWARK_DATA_DIR: dataDir, BULWARK_LOG_LEVEL: 'warn', ...env });
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: server.url,
    dataDir,
    password: (user) => demoPassword(dataDir, user),
    output: server.output,
    async stop() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Collects CSP violations of every page of the context: the `securitypolicyviolation` event
 * (recorded by an init script, which the DevTools protocol injects outside the page's CSP) and
 * Chromium's console report ("Refused to … Content Security Policy").
 */
export async function watchCsp(context: BrowserContext): Promise<() => Promise<string[]>> {
  const reported: string[] = [];
  await context.addInitScript({
    content: `window.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));`,
  });
  context.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) reported.push(message.text());
  });
  return async () => {
    const inPages = await Promise.all(
      context.pages().map((page) => page.evaluate('window.__cspViolations ?? []') as Promise<string[]>),
    );
    return [...reported, ...inPages.flat()];
  };
}

/** Signs in through the form, by the accessible names, and waits for the signed-in shell. */
export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.getByLabel('Username', { exact: true }).fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('button', { name: 'Sign out', exact: true }).waitFor();
}

/** An admin access token for checking state through the API (body delivery: no browser involved). */
export async function apiToken(url: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${url}/api/users-sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  assert.equal(res.status, 201, `API login of ${username}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

export async function apiGet<T>(url: string, token: string, path: string): Promise<T> {
  const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200, `GET ${path}`);
  return (await res.json()) as T;
}

/** Polls `check` until it holds (the page's own CSP forbids evaluating strings, so no waitForFunction with a body). */
export async function until(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
interface AxeResult {
  violations: Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }>;
}

/**
 * axe-core in the page. The console's CSP refuses inline scripts, so the source goes in through
 * the DevTools protocol (page.evaluate of the source text), which the page's CSP does not govern.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const result = (await page.evaluate(() =>
    (globalThis as unknown as { axe: { run(context: Document): Promise<unknown> } }).axe.run(document),
  )) as AxeResult;
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
