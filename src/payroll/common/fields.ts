import { Type } from 'typebox';

/** Field schemas more than one payroll shape uses. */
export const closed = { additionalProperties: false } as const;

export const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
export const Currency = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code, e.g. EUR' });
export const DateTime = Type.String({ format: 'date-time' });
