/** Bounds of payroll values: beyond them a value is a mistake or an attack, never real. */
export const PAYROLL_LIMITS = {
  /** One payment: at most 100,000,000.00 in major units. */
  maxAmountCents: 10_000_000_000,
  /** A yearly salary: at most 100,000,000.00 in major units. */
  maxSalaryCents: 10_000_000_000,
  textLength: 200,
  memoLength: 500,
  emailLength: 254,
  /** Lines of GET /api/payments/totals (periods × currencies): 20 years of months in 5 currencies. */
  maxTotalsRows: 1200,
  /** An employee name search (`q`). */
  searchLength: 100,
} as const;
