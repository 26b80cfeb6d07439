import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { namedSchema } from '../../http/openapi.js';
import type { AuthServices } from '../services.js';
import { claimsOf } from '../common/request-meta.js';
import { requirePermission } from '../registry/require-permission.js';
import {
  BULWARK_PERMISSION,
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
  const read = requirePermission(app, services.permissions, BULWARK_PERMISSION['users:read']);
  const write = requirePermission(app, services.permissions, BULWARK_PERMISSION['users:write']);
  const UserRef = namedSchema(app, User);

  app.get(
    '/api/users',
    {
      onRequest: read,
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
      return { items: await services.users.views(result.items), next_cursor: result.nextCursor };
    },
  );

  app.post(
    '/api/users',
    {
      onRequest: write,
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
      return reply.status(201).send(await services.users.view(user));
    },
  );

  app.patch(
    '/api/users/:id',
    {
      onRequest: write,
      schema: {
        operationId: 'updateUser',
        tags,
        summary:
          "Change a user's legacy role, disable them, set or clear their employee link, or replace their attributes (each ends their sessions)",
        security,
        params: IdParam,
        body: UserPatchRequest,
        response: { 200: UserRef },
      },
    },
    async (request) => {
      const { role, disabled, employee_id: employeeId, attributes } = request.body;
      const user = await services.users.update(
        request.params.id,
        { role, disabled, employeeId, attributes },
        claimsOf(request).sub,
      );
      return services.users.view(user);
    },
  );
}
