import { employeeLinkIn } from '@bulwark/contract';

/** Attributes' JSON object text as an object; a row an older release wrote has none (`{}`, or no column). */
export function parseAttributes(text: string | undefined): Record<string, unknown> {
  if (text === undefined || text === '') return {};
  const value: unknown = JSON.parse(text);
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/**
 * The `employee_id` column's value since 0013_employee_link: the attribute, mirrored for an older
 * release that reads the column while it runs beside this one during a rolling upgrade (this
 * release never reads it).
 */
export function employeeColumnMirror(attributes: Readonly<Record<string, unknown>> | undefined): string | null {
  return employeeLinkIn(attributes);
}
