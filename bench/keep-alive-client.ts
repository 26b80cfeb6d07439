import { connect, type Socket } from 'node:net';

/** An answer read off a {@link KeepAliveConnection}. */
export interface RawAnswer {
  status: number;
  body: string;
}

const HEAD_END = Buffer.from('\r\n\r\n');

/**
 * One keep-alive HTTP/1.1 connection to a plain-HTTP server, one request at a time, for the
 * benchmarks' own loops of dependent requests (refresh chains, paced writers) where autocannon's
 * fixed request list does not fit. `fetch` cost the load generator about 2.3 ms of CPU a write
 * here (round 10), so its core, shared with autocannon, set the rates and the reads' latency;
 * this costs a few tens of µs. Answers must carry Content-Length (Bulwark's and Fastify's
 * do); a chunked answer is refused rather than misread.
 */
export class KeepAliveConnection {
  readonly #socket: Socket;
  readonly #host: string;
  #buffered: Buffer = Buffer.alloc(0);
  #waiting: { resolve: (answer: RawAnswer) => void; reject: (error: Error) => void } | undefined;
  #closed: Error | undefined;

  private constructor(socket: Socket, host: string) {
    this.#socket = socket;
    this.#host = host;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.#buffered = this.#buffered.length === 0 ? chunk : Buffer.concat([this.#buffered, chunk]);
      this.#answerIfComplete();
    });
    const fail = (error: Error) => {
      this.#closed ??= error;
      this.#waiting?.reject(error);
      this.#waiting = undefined;
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('the server closed the connection')));
  }

  /** Connects to `url`'s host and port. */
  static open(url: string): Promise<KeepAliveConnection> {
    const { hostname, port, host } = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port || 80), hostname, () => {
        socket.off('error', reject);
        resolve(new KeepAliveConnection(socket, host));
      });
      socket.once('error', reject);
    });
  }

  /** Sends one request and reads its answer (the previous one must have been answered). */
  request(method: string, path: string, headers: Record<string, string>, body = ''): Promise<RawAnswer> {
    if (this.#closed !== undefined) return Promise.reject(this.#closed);
    if (this.#waiting !== undefined) return Promise.reject(new Error('one request at a time'));
    let head = `${method} ${path} HTTP/1.1\r\nhost: ${this.#host}\r\n`;
    for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
    if (body !== '' || method !== 'GET') head += `content-length: ${Buffer.byteLength(body)}\r\n`;
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject };
      this.#socket.write(`${head}\r\n${body}`);
    });
  }

  close(): void {
    this.#closed ??= new Error('closed');
    this.#socket.destroy();
  }

  #answerIfComplete(): void {
    const end = this.#buffered.indexOf(HEAD_END);
    if (end < 0 || this.#waiting === undefined) return;
    const head = this.#buffered.subarray(0, end).toString('latin1');
    const status = Number(head.slice(9, 12));
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1];
    if (length === undefined) {
      this.#waiting.reject(new Error(`an answer without Content-Length: ${head.split('\r\n')[0]}`));
      this.#waiting = undefined;
      this.close();
      return;
    }
    const total = end + HEAD_END.length + Number(length);
    if (this.#buffered.length < total) return;
    const body = this.#buffered.subarray(end + HEAD_END.length, total).toString('utf8');
    this.#buffered = this.#buffered.subarray(total);
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting.resolve({ status, body });
  }
}
