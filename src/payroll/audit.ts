/**
 * What payroll needs of an audit log (the token service's AuditLog fits): one event per write,
 * with summary facts only. Never a bank account number in clear.
 */
export type PayrollAuditType = 'employee.created' | 'employee.updated' | 'payment.issued' | 'payment.reversed';

export interface PayrollAudit {
  /** The same log writing inside a transaction of the same database: the event commits with the write. */
  within(transaction: object): PayrollAudit;
  record(
    type: PayrollAuditType,
    context: { actorId: string; targetId: string; ip?: string | null; details: Record<string, unknown> },
  ): Promise<void>;
}
