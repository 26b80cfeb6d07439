import { createHarness, type Harness } from '../helpers/harness.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';

export interface MailHarness extends Harness {
  smtp: TestSmtp;
  /** A user with a verified address. */
  addMailUser(
    username: string,
    role?: 'admin' | 'clerk' | 'employee',
  ): Promise<{ id: string; username: string; password: string; email: string }>;
}

/** The product's app (in-process) sending through a real SMTP server the test started. */
export async function createMailHarness(env: Record<string, string> = {}): Promise<MailHarness> {
  const smtp = await startSmtp();
  const harness = await createHarness({
    BULWARK_SMTP_URL: smtp.url,
    BULWARK_SMTP_TIMEOUT: '2',
    BULWARK_CONSOLE_URL: 'http://console.test',
    ...env,
  });
  const close = harness.close.bind(harness);
  return Object.assign(harness, {
    smtp,
    async addMailUser(username: string, role: 'admin' | 'clerk' | 'employee' = 'clerk') {
      const user = await harness.addUser(username, role);
      const email = `${username}@example.test`;
      await harness.store.users.update(user.id, {
        email,
        emailVerifiedAt: harness.clock.now(),
        updatedAt: harness.clock.now(),
      });
      return { ...user, email };
    },
    async close() {
      await close();
      await smtp.close();
    },
  });
}
