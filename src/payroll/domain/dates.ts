/** Calendar values as text: `YYYY-MM-DD` dates and `YYYY-MM` pay periods, real ones only. */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const PERIOD = /^(\d{4})-(\d{2})$/;

/** Years a payroll record may name: anything outside is a typo, not history. */
export const YEAR_RANGE = { min: 1900, max: 2199 } as const;

const inRange = (year: number) => year >= YEAR_RANGE.min && year <= YEAR_RANGE.max;

/** A day that exists (2024-02-29 yes, 2026-02-29 and 2026-04-31 no). */
export function isRealDate(text: string): boolean {
  const match = DATE.exec(text);
  if (match === null) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (!inRange(year) || month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** A month `YYYY-MM` with month 01..12. */
export function isPeriod(text: string): boolean {
  const match = PERIOD.exec(text);
  if (match === null) return false;
  const [year, month] = [Number(match[1]), Number(match[2])];
  return inRange(year) && month >= 1 && month <= 12;
}
