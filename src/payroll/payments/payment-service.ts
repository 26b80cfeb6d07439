import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError } from '../../errors/index.js';
import { isUniqueViolation } from '../../store/sql/values.js';
import type { Page } from '../../store/types.js';
import type { PayrollAudit } from '../audit.js';
import { employeesRepo } from '../employees/employees-repo.js';
import { paymentsRepo, type PaymentRecord, type PaymentTotalRow } from './payments-repo.js';
import type { PayrollDb } from '../db/schema.js';
import type { IdempotentAnswer, Idempotency } from '../idempotency/idempotency.js';
import {
  parseNewPayment,
  parsePaymentFilter,
  parseReversalMemo,
  type NewPaymentBody,
  type PaymentFilterQuery,
} from './payment-input.js';
import { assertWriter, maySee, visibilityOf, type Viewer } from '../access/viewer.js';
import { PAYROLL_LIMITS } from '@bulwark/contract';
import type { Payment, PaymentOrder, PaymentTotal, ReversalRequest } from '@bulwark/contract/types';
import { toPaymentView } from './payment-view.js';

/** Renders the answer's bytes with the route's response schema (nothing undeclared leaks). */
export type Serialize = (view: Payment) => string;

/**
 * Payments: immutable records. A mistake is undone by a reversal, a new record of kind
 * `reversal` carrying the negated amount (so the sum of an employee's payments is what they
 * were paid), linked both ways to the payment it cancels. Issuing and reversing are idempotent.
 */
export class PaymentService {
  constructor(
    private readonly db: PayrollDb,
    private readonly idempotency: Idempotency,
    private readonly audit: PayrollAudit,
    private readonly now: () => number = Date.now,
  ) {}

  /** An employee's filter on another employee is an empty list, as for an unknown id. */
  async list(
    viewer: Viewer,
    query: PaymentFilterQuery & { cursor?: string | undefined; limit: number; order?: PaymentOrder | undefined },
  ): Promise<Page<Payment>> {
    const filter = this.visibleFilter(viewer, query);
    if (filter === null) return { items: [], nextCursor: null };
    const result = await paymentsRepo(this.db).list({
      ...filter,
      cursor: query.cursor,
      limit: query.limit,
      order: query.order,
    });
    return { items: result.items.map(toPaymentView), nextCursor: result.nextCursor };
  }

  /** Per period and currency, the sums of what `list` would show with the same filters. */
  async totals(viewer: Viewer, query: PaymentFilterQuery): Promise<PaymentTotal[]> {
    const filter = this.visibleFilter(viewer, query);
    if (filter === null) return [];
    const rows = await paymentsRepo(this.db).totals(filter, PAYROLL_LIMITS.maxTotalsRows);
    return rows.map(toTotalView);
  }

  /** The validated filter narrowed to what the viewer may see; null when that is nothing. */
  private visibleFilter(viewer: Viewer, query: PaymentFilterQuery) {
    const { employee_id: requested, from, to, kind } = parsePaymentFilter(query);
    const visibility = visibilityOf(viewer);
    let employeeId = requested;
    if (visibility.kind === 'self') {
      if (visibility.employeeId === null || (requested !== undefined && requested !== visibility.employeeId))
        return null;
      employeeId = visibility.employeeId;
    }
    return { employeeId, from, to, kind };
  }

  async get(viewer: Viewer, id: string): Promise<Payment> {
    const payment = await paymentsRepo(this.db).findById(id);
    if (payment === undefined || !maySee(visibilityOf(viewer), payment.employeeId)) throw new NotFoundError('payment');
    return toPaymentView(payment);
  }

  async issue(
    viewer: Viewer,
    key: string,
    body: NewPaymentBody,
    serialize: Serialize,
  ): Promise<IdempotentAnswer<PaymentRecord>> {
    assertWriter(viewer);
    const input = parseNewPayment(body);
    const answer = await this.idempotency.run(
      { key, actor: viewer.userId, route: 'payments.create', request: { body: input } },
      async (trx) => {
        const employee = await employeesRepo(trx).findById(input.employee_id);
        if (employee === undefined) throw new NotFoundError('employee');
        if (employee.status !== 'active') {
          throw new ConflictError('payment to an inactive employee', {
            detail: `Only active employees can be paid; this employee is ${employee.status}.`,
          });
        }
        const payment: PaymentRecord = {
          id: randomUUID(),
          employeeId: employee.id,
          amountCents: input.amount_cents,
          currency: input.currency,
          period: input.period,
          kind: 'payment',
          reversesPaymentId: null,
          reversedByPaymentId: null,
          memo: input.memo,
          createdBy: viewer.userId,
          createdAt: this.now(),
        };
        await paymentsRepo(trx).insert(payment);
        await this.audit.within(trx).record('payment.issued', {
          actorId: viewer.userId,
          targetId: payment.id,
          ip: viewer.ip,
          details: {
            employee_id: payment.employeeId,
            amount_cents: payment.amountCents,
            currency: payment.currency,
            period: payment.period,
          },
        });
        return { result: payment, status: 201, body: serialize(toPaymentView(payment)) };
      },
    );
    return answer;
  }

  async reverse(
    viewer: Viewer,
    key: string,
    paymentId: string,
    body: ReversalRequest | null | undefined,
    serialize: Serialize,
  ): Promise<IdempotentAnswer<PaymentRecord>> {
    assertWriter(viewer);
    const memo = parseReversalMemo(body);
    const request = { params: { id: paymentId }, body: { memo } };
    const answer = await this.idempotency.run(
      { key, actor: viewer.userId, route: 'payments.reverse', request },
      async (trx) => {
        const payments = paymentsRepo(trx);
        const original = await payments.findById(paymentId);
        if (original === undefined) throw new NotFoundError('payment');
        if (original.kind !== 'payment')
          throw new ConflictError('reversal of a reversal', { detail: 'A reversal cannot itself be reversed.' });
        if (original.reversedByPaymentId !== null) throw alreadyReversed();
        const reversal: PaymentRecord = {
          id: randomUUID(),
          employeeId: original.employeeId,
          amountCents: -original.amountCents,
          currency: original.currency,
          period: original.period,
          kind: 'reversal',
          reversesPaymentId: original.id,
          reversedByPaymentId: null,
          memo,
          createdBy: viewer.userId,
          createdAt: this.now(),
        };
        try {
          await payments.insert(reversal);
        } catch (error) {
          if (isUniqueViolation(error)) throw alreadyReversed(error);
          throw error;
        }
        if (!(await payments.markReversed(original.id, reversal.id))) throw alreadyReversed();
        await this.audit.within(trx).record('payment.reversed', {
          actorId: viewer.userId,
          targetId: paymentId,
          ip: viewer.ip,
          details: {
            reversal_id: reversal.id,
            employee_id: reversal.employeeId,
            amount_cents: reversal.amountCents,
            currency: reversal.currency,
            period: reversal.period,
            ...(memo === null ? {} : { reason: memo }),
          },
        });
        return { result: reversal, status: 201, body: serialize(toPaymentView(reversal)) };
      },
    );
    return answer;
  }
}

function toTotalView(row: PaymentTotalRow): PaymentTotal {
  return { period: row.period, currency: row.currency, total_cents: row.totalCents, count: row.count };
}

function alreadyReversed(cause?: unknown): ConflictError {
  return new ConflictError('payment already reversed', { detail: 'This payment has already been reversed.', cause });
}
