import { after, before, beforeEach } from 'node:test';
import { createBulwarkClient, type BulwarkClient } from '@bulwark/client';
import { createCookieJar, type CookieJar } from './cookie-jar-fetch.js';
import { startFakeServer, type FakeServer } from './fake-server.js';

export interface OneTabHarness {
  server: FakeServer;
  /** A fresh jar per test: one browser profile. */
  jar: CookieJar;
  /** A client on a channel of its own: these tests are about one tab. */
  newClient(options?: { fetch?: typeof fetch }): BulwarkClient;
}

/** Registers the hooks of a test file: one fake server for the file, a clean jar and server state per test. */
export function useOneTabHarness(): OneTabHarness {
  const clients: BulwarkClient[] = [];
  const harness: OneTabHarness = {
    server: undefined as unknown as FakeServer,
    jar: createCookieJar(),
    newClient(options = {}) {
      const client = createBulwarkClient({
        baseUrl: harness.server.baseUrl,
        fetch: harness.jar.fetch,
        channelName: `solo-${clients.length}`,
        ...options,
      });
      clients.push(client);
      return client;
    },
  };
  before(async () => {
    harness.server = await startFakeServer();
  });
  after(async () => {
    for (const client of clients) client.close();
    await harness.server.close();
  });
  beforeEach(() => {
    harness.jar = createCookieJar();
    harness.server.calls.length = 0;
    harness.server.refreshDelayMs = 0;
    harness.server.expiresIn = 900;
  });
  return harness;
}
