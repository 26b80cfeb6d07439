import { spawn, type ChildProcess } from 'node:child_process';
import { Socket } from 'node:net';
import { freePort } from '../helpers/process.js';

/**
 * A redis-server of the test's own on an ephemeral loopback port, which the test can hang
 * (SIGSTOP: the socket stays open, nothing answers) and resume (SIGCONT). `stop()` kills it
 * (resuming it first, so the kill is delivered); call it in `after`, whatever happened.
 */
export class HangableRedis {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static async start(): Promise<HangableRedis> {
    const port = await freePort();
    const child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'],
      { stdio: 'ignore' },
    );
    const redis = new HangableRedis(child, port);
    const deadline = Date.now() + 10_000;
    while (!(await redis.answersPing())) {
      if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
      if (Date.now() > deadline) {
        await redis.stop();
        throw new Error('redis-server did not answer within 10 s');
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** SIGSTOP: connections stay up, commands are never answered. */
  hang(): void {
    this.signal('SIGSTOP');
  }

  /** SIGCONT: answers again, including what was sent meanwhile. */
  resume(): void {
    this.signal('SIGCONT');
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    this.signal('SIGCONT');
    this.signal('SIGKILL');
    await exited;
  }

  private signal(signal: NodeJS.Signals): void {
    if (this.child.pid !== undefined && this.child.exitCode === null && this.child.signalCode === null)
      process.kill(this.child.pid, signal);
  }

  /** A raw PING with a short deadline (no client library: this must never hang the test). */
  answersPing(timeoutMs = 300): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = new Socket();
      const done = (ok: boolean) => {
        socket.destroy();
        resolve(ok);
      };
      socket.setTimeout(timeoutMs, () => done(false));
      socket.once('error', () => done(false));
      socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
      socket.connect(this.port, '127.0.0.1', () => socket.write('PING\r\n'));
    });
  }
}
