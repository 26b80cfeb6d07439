import type { FastifyInstance } from 'fastify';
import { InvalidRequestError, UriTooLongError } from '../errors/index.js';
import { HTTP_LIMITS } from './limits.js';

/**
 * The reason a JSON text is too deep or too wide, or undefined when it is within the limits.
 * A single pass over the text before JSON.parse, so a hostile body costs O(length) and never
 * builds the structure; it looks at structure only and never quotes the body.
 */
export function jsonShapeProblem(text: string, maxDepth: number = HTTP_LIMITS.jsonDepth, maxKeys: number = HTTP_LIMITS.jsonKeys): string | undefined {
  let depth = 0;
  let keys = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return `The request body is nested more than ${maxDepth} levels deep.`;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    } else if (c === 0x3a) {
      // Outside strings a colon only ever separates an object member's name from its value.
      if (++keys > maxKeys) return `The request body has more than ${maxKeys} object members.`;
    }
  }
  return undefined;
}

/**
 * Request-shape limits beyond Fastify's body limit: the request target's length (414) and JSON
 * bodies' depth and member count (400), both before any handler or schema validation runs.
 * JSON is otherwise parsed by Fastify's own parser (prototype-poisoning keys refused).
 */
export function installRequestLimits(app: FastifyInstance): void {
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.raw.url !== undefined && request.raw.url.length > HTTP_LIMITS.urlBytes) {
      return done(new UriTooLongError('request target too long', { detail: `The request URL is longer than ${HTTP_LIMITS.urlBytes} bytes.` }));
    }
    done();
  });
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    const reason = jsonShapeProblem(text);
    if (reason !== undefined) {
      done(new InvalidRequestError('json body over the shape limits', { detail: reason }), undefined);
      return;
    }
    parseJson(request, text, done);
  });
}
