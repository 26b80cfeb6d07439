import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { problem } from './problem.js';

/**
 * Errors Node's HTTP parser raises before Fastify sees a request (header section over
 * maxHeaderSize, a request not received within requestTimeout, unparsable HTTP): answered with
 * the same problem+json as everything else, then the connection is closed.
 */
export function clientErrorHandler(this: FastifyInstance, error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const answer = error.code === 'HPE_HEADER_OVERFLOW'
    ? problem(431, 'header_too_large', 'The request header section is too large.')
    : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? problem(408, 'request_timeout', 'The request was not received in time.')
      : problem(400, 'invalid_request', 'The request is not valid HTTP.');
  this.log.info({ code: answer.code, reason: error.code }, 'client error');
  if (socket.writable) {
    const body = JSON.stringify(answer);
    socket.write(
      `HTTP/1.1 ${answer.status} ${answer.title}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
