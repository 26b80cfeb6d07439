import { Type, type TSchema } from 'typebox';
import { PAGE_LIMITS, PASSWORD_MAX_LENGTH } from './limits.js';
import { ROLES } from './registry/roles.js';

/** The parts every shape of the API shares, declared once. */

/** Request bodies and queries name every field they accept: an unknown one is a 400. */
export const closed = { additionalProperties: false } as const;

export const DateTime = Type.String({ format: 'date-time' });
export const NullableDate = Type.Union([DateTime, Type.Null()]);
export const NullableText = Type.Union([Type.String(), Type.Null()]);

/** A resource id in a path (`usr_…`, `emp_…`, `pay_…`). */
export const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
export const IdParam = Type.Object({ id: Id }, closed);

/** Bounded for the body limit only: the password policy (the server's passwords module) is the service's. */
export const Password = Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH * 4 });

export const RoleSchema = Type.Enum(ROLES);

/** A user's link to their payroll employee record (an admin sets it; null: none). */
export const EmployeeLink = Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()], {
  description: 'the payroll employee record this user is (null: none); it must exist',
});

/** The OpenAPI security requirement of an operation that needs an access token. */
export const security = [{ bearer: [] }];

/** The query of every list: spread into a route's own querystring object. */
export const PageParams = {
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'next_cursor of the previous page' })),
  limit: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: PAGE_LIMITS.maxPageSize,
      description: `page size (default ${PAGE_LIMITS.defaultPageSize})`,
    }),
  ),
};
export const PageQuery = Type.Object(PageParams, closed);

/** A page of a list: its items and the cursor of the next page (null on the last). */
export function page<T extends TSchema>(item: T) {
  return Type.Object({ items: Type.Array(item), next_cursor: Type.Union([Type.String(), Type.Null()]) });
}
