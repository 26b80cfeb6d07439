import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { PROBLEM_CODE } from '@bulwark/contract/registry';
import { CLIENT_ERROR_LINGER_MS } from './limits.js';
import { problem } from './problem.js';

/**
 * Errors Node's HTTP parser raises before Fastify sees a request (header section over
 * maxHeaderSize, a request not received within requestTimeout, unparsable HTTP): answered with
 * the same problem+json as everything else, then the connection is closed.
 */
export function clientErrorHandler(this: FastifyInstance, error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const answer =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? problem(PROBLEM_CODE.header_too_large, 'The request header section is too large.')
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? problem(PROBLEM_CODE.request_timeout, 'The request was not received in time.')
        : problem(PROBLEM_CODE.invalid_request, 'The request is not valid HTTP.');
  this.log.info({ code: answer.code, reason: error.code }, 'client error');
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify(answer);
  socket.end(
    `HTTP/1.1 ${answer.status} ${answer.title}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
  );
  // A lingering close: a client may still be sending (a large body behind a bad request line).
  // Closing with its bytes unread makes the kernel reset the connection, and a reset discards
  // the answer on the client's side before it is read. So read and drop what keeps coming for
  // a short while after the answer, then close for good.
  socket.on('data', () => undefined);
  socket.resume();
  setTimeout(() => socket.destroy(), CLIENT_ERROR_LINGER_MS).unref();
}
