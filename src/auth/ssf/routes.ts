import type { FastifyInstance } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { InvalidRequestError } from '../../errors/index.js';
import { noContent } from '../../http/openapi.js';
import type { SetPoller } from './poller.js';
import type { ReceiverAuth } from './receiver-auth.js';
import { POLL_DELIVERY, streamView, type StreamRegistry, type StreamSettings } from './streams.js';
import { closed, security } from '@bulwark/contract';

/** What the routes act through. */
export interface SsfParts {
  settings: StreamSettings;
  auth: ReceiverAuth;
  streams: StreamRegistry;
  poller: SetPoller;
}

const tags = ['security events'];
const Jti = Type.String({ minLength: 1, maxLength: 128 });

const PollBody = Type.Object(
  {
    ack: Type.Optional(Type.Array(Jti, { maxItems: 1000 })),
    setErrs: Type.Optional(
      Type.Record(
        Type.String({ maxLength: 128 }),
        Type.Object({
          err: Type.String({ maxLength: 64 }),
          description: Type.Optional(Type.String({ maxLength: 1024 })),
        }),
      ),
    ),
    maxEvents: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
    returnImmediately: Type.Optional(Type.Boolean()),
  },
  closed,
);
const PollAnswer = Type.Object({ sets: Type.Record(Type.String(), Type.String()), moreAvailable: Type.Boolean() });
const NewStream = Type.Object(
  {
    delivery: Type.Optional(
      Type.Object({
        method: Type.String({ maxLength: 256 }),
        endpoint_url: Type.Optional(Type.String({ maxLength: 2048 })),
      }),
    ),
    events_requested: Type.Optional(Type.Array(Type.String({ maxLength: 256 }), { maxItems: 50 })),
    description: Type.Optional(Type.String({ maxLength: 256 })),
  },
  closed,
);
const StreamQuery = Type.Object({ stream_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) }, closed);
const StreamConfig = Type.Object({}, { additionalProperties: true });

/**
 * OpenID SSF 1.0 transmitter for poll delivery (RFC 8936): the configuration document, the
 * stream configuration endpoint (create, read, delete) and each stream's poll endpoint.
 */
export function registerSsfRoutes(parent: FastifyInstance, feed: SsfParts): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const { issuer } = feed.settings;
  const onRequest = feed.auth.hook;

  app.get(
    '/.well-known/ssf-configuration',
    {
      schema: {
        operationId: 'getSsfConfiguration',
        tags,
        summary: 'Shared Signals transmitter metadata',
        security: [],
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=300');
      return {
        spec_version: '1_0',
        issuer,
        jwks_uri: `${issuer}/.well-known/jwks.json`,
        delivery_methods_supported: [POLL_DELIVERY],
        configuration_endpoint: `${issuer}/ssf/streams`,
        authorization_schemes: [{ spec_urn: 'urn:ietf:rfc:6749' }],
        default_subjects: 'ALL',
      };
    },
  );

  app.post(
    '/ssf/streams',
    {
      onRequest,
      schema: {
        operationId: 'createSsfStream',
        tags,
        summary: 'Create a poll stream for the calling client',
        security,
        body: NewStream,
        response: { 201: StreamConfig },
      },
    },
    async (request, reply) => {
      const method = request.body.delivery?.method;
      if (method !== undefined && method !== POLL_DELIVERY) {
        throw new InvalidRequestError('unsupported delivery method', {
          detail: `Only ${POLL_DELIVERY} (poll) delivery is supported.`,
        });
      }
      const stream = await feed.streams.create(await feed.auth.clientOf(request));
      return reply.status(201).send(streamView(stream, feed.settings));
    },
  );

  app.get(
    '/ssf/streams',
    {
      onRequest,
      schema: {
        operationId: 'getSsfStreams',
        tags,
        summary: "The calling client's streams (one with stream_id)",
        security,
        querystring: StreamQuery,
      },
    },
    async (request) => {
      const clientId = await feed.auth.clientOf(request);
      const id = request.query.stream_id;
      if (id !== undefined) return streamView(await feed.streams.get(clientId, id), feed.settings);
      return (await feed.streams.list(clientId)).map((stream) => streamView(stream, feed.settings));
    },
  );

  app.delete(
    '/ssf/streams',
    {
      onRequest,
      schema: {
        operationId: 'deleteSsfStream',
        tags,
        summary: 'Delete a stream of the calling client',
        security,
        querystring: StreamQuery,
        response: { 204: noContent('Deleted') },
      },
    },
    async (request, reply) => {
      const id = request.query.stream_id;
      if (id === undefined)
        throw new InvalidRequestError('stream_id missing', { detail: 'Name the stream to delete with stream_id.' });
      await feed.streams.delete(await feed.auth.clientOf(request), id);
      return reply.status(204).send();
    },
  );

  app.post(
    '/ssf/poll/:streamId',
    {
      onRequest,
      schema: {
        operationId: 'pollSecurityEvents',
        tags,
        summary: 'Acknowledge SETs and receive the next ones (RFC 8936, long poll)',
        security,
        params: Type.Object({ streamId: Type.String({ minLength: 1, maxLength: 64 }) }),
        body: PollBody,
        response: { 200: PollAnswer },
      },
    },
    async (request, reply) => {
      const stream = await feed.streams.get(await feed.auth.clientOf(request), request.params.streamId);
      // A receiver that goes away stops its long poll here rather than at the timeout.
      const gone = new AbortController();
      reply.raw.once('close', () => gone.abort());
      return feed.poller.poll(stream, request.body, gone.signal);
    },
  );
}
