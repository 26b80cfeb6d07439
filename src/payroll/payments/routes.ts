import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { RequireAuthOptions } from '@bulwark/guard';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { namedSchema } from '../../http/openapi.js';
import type { IdempotentAnswer } from '../idempotency/idempotency.js';
import type { PaymentService, Serialize } from './payment-service.js';
import { viewerOf } from '../access/viewer.js';
import { payrollReader } from '../access/read-auth.js';
import {
  closed,
  IdempotencyHeaders,
  IdParam,
  NewPayment,
  page,
  PAGE_LIMITS,
  PageParams,
  Payment,
  PaymentFilter,
  PaymentOrder,
  PaymentTotal,
  ReversalRequest,
  security,
} from '@bulwark/contract';
import { PAYROLL_WRITES } from '../access/write-auth.js';

const tags = ['payments'];
const PaymentListQuery = Type.Object(
  { ...PaymentFilter.properties, order: Type.Optional(PaymentOrder), ...PageParams },
  closed,
);
const PaymentTotalsQuery = Type.Object({ ...PaymentFilter.properties }, closed);

/**
 * Payments. There is no PUT, PATCH or DELETE: payments are immutable, undone only by a reversal.
 * Writes answer with the stored bytes of the first response, so a replay is byte-identical.
 */
export function registerPaymentRoutes(
  parent: FastifyInstance,
  payments: PaymentService,
  writeAuth: RequireAuthOptions = PAYROLL_WRITES,
): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const PaymentRef = namedSchema(app, Payment);
  const PaymentTotalRef = namedSchema(app, PaymentTotal);

  app.get(
    '/api/payments',
    {
      onRequest: [app.requireAuth(), payrollReader],
      schema: {
        operationId: 'listPayments',
        tags,
        summary: 'List payments (an employee sees only their own), oldest first or, with order=desc, newest first',
        security,
        querystring: PaymentListQuery,
        response: { 200: page(PaymentRef) },
      },
    },
    async (request) => {
      const { cursor, limit, ...filter } = request.query;
      const result = await payments.list(viewerOf(request), {
        ...filter,
        cursor,
        limit: limit ?? PAGE_LIMITS.defaultPageSize,
      });
      return { items: result.items, next_cursor: result.nextCursor };
    },
  );

  app.get(
    '/api/payments/totals',
    {
      onRequest: [app.requireAuth(), payrollReader],
      schema: {
        operationId: 'paymentTotals',
        tags,
        summary:
          'Totals per pay period and currency of the payments the same filters list (an employee only their own)',
        security,
        querystring: PaymentTotalsQuery,
        response: {
          200: Type.Object(
            { items: Type.Array(PaymentTotalRef) },
            { description: 'Newest period first, then currency.' },
          ),
        },
      },
    },
    async (request) => ({ items: await payments.totals(viewerOf(request), request.query) }),
  );

  app.get(
    '/api/payments/:id',
    {
      onRequest: [app.requireAuth(), payrollReader],
      schema: {
        operationId: 'getPayment',
        tags,
        summary: 'Get a payment (an employee only their own: any other id is 404)',
        security,
        params: IdParam,
        response: { 200: PaymentRef },
      },
    },
    async (request) => payments.get(viewerOf(request), request.params.id),
  );

  app.post(
    '/api/payments',
    {
      onRequest: app.requireAuth(writeAuth),
      schema: {
        operationId: 'createPayment',
        tags,
        summary: 'Pay an active employee (idempotent: Idempotency-Key required)',
        security,
        headers: IdempotencyHeaders,
        body: NewPayment,
        response: { 201: PaymentRef },
      },
    },
    async (request, reply) =>
      sendAnswer(
        reply,
        await payments.issue(viewerOf(request), request.headers['idempotency-key'], request.body, serializer(reply)),
      ),
  );

  app.post(
    '/api/payments/:id/reversal',
    {
      onRequest: app.requireAuth(writeAuth),
      preValidation: noBodyIsEmpty,
      schema: {
        operationId: 'reversePayment',
        tags,
        summary: 'Reverse a payment: a new record with the negated amount (idempotent: Idempotency-Key required)',
        security,
        headers: IdempotencyHeaders,
        params: IdParam,
        body: ReversalRequest,
        response: { 201: PaymentRef },
      },
    },
    async (request, reply) =>
      sendAnswer(
        reply,
        await payments.reverse(
          viewerOf(request),
          request.headers['idempotency-key'],
          request.params.id,
          request.body,
          serializer(reply),
        ),
      ),
  );
}

/** A reversal needs no body: an absent one is the empty object (a `{}` body is the same request). */
async function noBodyIsEmpty(request: { body: unknown }): Promise<void> {
  if (request.body === undefined) request.body = {};
}

/** The route's own 201 serializer: only the fields the response schema declares are written. */
function serializer(reply: FastifyReply): Serialize {
  const serialize = reply.getSerializationFunction('201');
  if (serialize === undefined) throw new Error('payment route without a 201 response schema');
  return (view) => serialize({ ...view });
}

function sendAnswer(reply: FastifyReply, answer: IdempotentAnswer<unknown>): FastifyReply {
  reply.status(answer.status).type('application/json; charset=utf-8');
  if (answer.replayed) reply.header('idempotent-replayed', 'true');
  return reply.send(answer.body);
}
