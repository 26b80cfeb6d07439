import { Type, type TSchema } from 'typebox';
import { HTTP_LIMITS } from '../../http/limits.js';
import { closed, Id } from './fields.js';

/** Schema pieces every payroll route shares. */
export const security = [{ bearer: [] }];

export const IdParam = Type.Object({ id: Id }, closed);

export const PageParams = {
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'next_cursor of the previous page' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: HTTP_LIMITS.maxPageSize, description: `page size (default ${HTTP_LIMITS.defaultPageSize})` })),
};

export function page<T extends TSchema>(item: T) {
  return Type.Object({ items: Type.Array(item), next_cursor: Type.Union([Type.String(), Type.Null()]) });
}

/** Required on every payment write: printable ASCII, 1..255 characters, scoped to the caller. */
export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.String({
    minLength: 1,
    maxLength: 255,
    pattern: '^[\\x20-\\x7E]+$',
    description: 'A client-chosen unique key (e.g. a UUID): a retry with the same key and body answers the first response again.',
  }),
});
