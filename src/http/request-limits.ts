import type { FastifyInstance } from 'fastify';
import { InvalidRequestError, UriTooLongError } from '../errors/index.js';
import { jsonShapeProblem } from './json-shape.js';
import { HTTP_LIMITS } from './limits.js';

export { jsonShapeProblem } from './json-shape.js';

/**
 * Request-shape limits beyond Fastify's body limit: the request target's length (414) and JSON
 * bodies' depth, member count and repeated member names (400), all before any handler or schema
 * validation runs. JSON is otherwise parsed by Fastify's own parser (prototype-poisoning keys
 * refused), under the app's body limit.
 */
export function installRequestLimits(app: FastifyInstance): void {
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.raw.url !== undefined && request.raw.url.length > HTTP_LIMITS.urlBytes) {
      return done(
        new UriTooLongError('request target too long', {
          detail: `The request URL is longer than ${HTTP_LIMITS.urlBytes} bytes.`,
        }),
      );
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
