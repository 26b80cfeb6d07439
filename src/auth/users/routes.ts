import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { namedSchema } from '../../http/openapi.js';
import type { AuthServices } from '../services.js';
import { toUserView } from '../common/views.js';
import { claimsOf } from '../common/request-meta.js';
import {
  IdParam,
  NewUserRequest,
  page,
  PAGE_LIMITS,
  PageQuery,
  security,
  User,
  UserPatchRequest,
} from '@bulwark/contract';

const tags = ['users'];

/** User administration: admins only. */
export function registerUserRoutes(parent: FastifyInstance, services: AuthServices): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const adminOnly = app.requireAuth({ roles: ['admin'] });
  const UserRef = namedSchema(app, User);

  app.get(
    '/api/users',
    {
      onRequest: adminOnly,
      schema: {
        operationId: 'listUsers',
        tags,
        summary: 'List users',
        security,
        querystring: PageQuery,
        response: { 200: page(UserRef) },
      },
    },
    async (request) => {
      const result = await services.users.list({
        cursor: request.query.cursor,
        limit: request.query.limit ?? PAGE_LIMITS.defaultPageSize,
      });
      return { items: result.items.map(toUserView), next_cursor: result.nextCursor };
    },
  );

  app.post(
    '/api/users',
    {
      onRequest: adminOnly,
      schema: {
        operationId: 'createUser',
        tags,
        summary: 'Create a user',
        security,
        body: NewUserRequest,
        response: { 201: UserRef },
      },
    },
    async (request, reply) => {
      const { username, password, role, employee_id: employeeId } = request.body;
      const user = await services.users.create({ username, password, role, employeeId }, claimsOf(request).sub);
      return reply.status(201).send(toUserView(user));
    },
  );

  app.patch(
    '/api/users/:id',
    {
      onRequest: adminOnly,
      schema: {
        operationId: 'updateUser',
        tags,
        summary: "Change a user's role, disable them (both end their sessions) or set or clear their employee link",
        security,
        params: IdParam,
        body: UserPatchRequest,
        response: { 200: UserRef },
      },
    },
    async (request) => {
      const { role, disabled, employee_id: employeeId } = request.body;
      const user = await services.users.update(
        request.params.id,
        { role, disabled, employeeId },
        claimsOf(request).sub,
      );
      return toUserView(user);
    },
  );
}
