import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { simpleParser, type ParsedMail } from 'mailparser';
import { createBulwarkClient, takeLinkToken, type BulwarkClient } from '@bulwark/client';
import { runCli, startServe, type ServerProcess } from '../helpers/process.js';
import { linkToken } from '../helpers/smtp.js';

/** `npm start` alone (development, no SMTP): every mail flow runs end to end through the outbox files. */
describe('bulwark serve with the development outbox, the CLI and the SDK', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bulwark-outbox-'));
  const env = { BULWARK_DATA_DIR: dataDir, BULWARK_DEMO: '0' };
  const outbox = join(dataDir, 'outbox');
  let server: ServerProcess;
  let client: BulwarkClient;
  before(async () => {
    server = await startServe(env);
    client = createBulwarkClient({ baseUrl: server.url, dpop: false, channelName: `outbox-test-${process.pid}` });
  });
  after(async () => {
    client.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const mails = async (): Promise<ParsedMail[]> => {
    let files: string[];
    try {
      files = readdirSync(outbox).filter((f) => f.endsWith('.eml'));
    } catch {
      return [];
    }
    return Promise.all(files.map((f) => simpleParser(readFileSync(join(outbox, f)))));
  };
  const waitForMail = async (subject: RegExp, count = 1): Promise<ParsedMail> => {
    const end = Date.now() + 20_000;
    for (;;) {
      const found = (await mails()).filter((m) => subject.test(m.subject ?? ''));
      if (found.length >= count) return found[count - 1] as ParsedMail;
      if (Date.now() > end) throw new Error(`no mail ${String(subject)} in ${outbox}:\n${server.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  const login = (username: string, password: string) =>
    fetch(`${server.url}/api/users-sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });

  it('says where mail goes in one start-up line', () => {
    assert.match(
      server.output(),
      new RegExp(`mail: no BULWARK_SMTP_URL, so mail is written to ${outbox.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
    );
  });

  it('an invitation from the CLI arrives as an .eml file; the SDK accepts it and the new user signs in', async () => {
    const invited = await runCli(['users', 'invite', 'nia@example.test', '--role', 'clerk', '--json'], env);
    assert.equal(invited.code, 0, invited.stderr);
    assert.equal(JSON.parse(invited.stdout).email, 'nia@example.test');
    const { token } = linkToken(await waitForMail(/invited/));
    const user = await client.accounts.acceptInvitation(token, 'nia', 'nia-chose-this-passphrase');
    assert.deepEqual(
      [user.username, user.role, user.email, user.email_verified],
      ['nia', 'clerk', 'nia@example.test', true],
    );
    assert.equal((await login('nia', 'nia-chose-this-passphrase')).status, 201);
    assert.ok(!server.output().includes(token), 'the link is never logged');
  });

  it('forgot password through the SDK: the reset link arrives, sets the password, the old one stops working', async () => {
    const accepted = await client.accounts.requestPasswordReset({ username: 'nia' });
    assert.equal(accepted.status, 'accepted');
    assert.deepEqual(await client.accounts.requestPasswordReset({ username: 'nobody-here' }), accepted);
    const { token } = linkToken(await waitForMail(/Reset your Bulwark password/));
    await client.accounts.confirmPasswordReset(token, 'nia-new-passphrase-2026');
    assert.equal((await login('nia', 'nia-chose-this-passphrase')).status, 401);
    assert.equal((await login('nia', 'nia-new-passphrase-2026')).status, 201);
    await waitForMail(/password was changed/);
    const refused = await client.accounts
      .confirmPasswordReset(token, 'nia-third-passphrase-1')
      .catch((e: unknown) => e);
    assert.equal((refused as { code?: string }).code, 'link_used');
  });

  it('takeLinkToken reads the token and removes it from the address bar', () => {
    const replaced: string[] = [];
    const token = takeLinkToken(
      { href: 'http://console.test/reset-password?token=abc&x=1#top' },
      { replaceState: (_s: unknown, _t: string, url?: string | URL | null) => void replaced.push(String(url)) },
    );
    assert.equal(token, 'abc');
    assert.deepEqual(replaced, ['/reset-password?x=1#top']);
    assert.equal(
      takeLinkToken(
        { href: 'http://console.test/reset-password' },
        { replaceState: () => assert.fail('nothing to remove') },
      ),
      null,
    );
  });
});
