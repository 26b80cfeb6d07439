import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  BULWARK_PERMISSION,
  IdParam,
  NewRoleRequest,
  page,
  PAGE_LIMITS,
  PageQuery,
  RoleDefinition,
  RolePatchRequest,
  security,
  User,
  UserRolesRequest,
} from '@bulwark/contract';
import { namedSchema, noContent } from '../../http/openapi.js';
import { claimsOf } from '../common/request-meta.js';
import type { AuthServices } from '../services.js';
import { requirePermission } from './require-permission.js';
import { toRoleView } from './views.js';

const tags = ['roles'];

/** Roles as data and the roles each user holds: `roles:*` and `users:write` at Bulwark's API. */
export function registerRoleRoutes(parent: FastifyInstance, services: AuthServices): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const RoleRef = namedSchema(app, RoleDefinition);
  const UserRef = namedSchema(app, User);
  const { registry } = services;
  const read = requirePermission(app, services.permissions, BULWARK_PERMISSION['roles:read']);
  const write = requirePermission(app, services.permissions, BULWARK_PERMISSION['roles:write']);
  const view = async () => registry.cache.current();

  app.get(
    '/api/roles',
    {
      onRequest: read,
      schema: {
        operationId: 'listRoles',
        tags,
        summary: 'List roles',
        security,
        querystring: PageQuery,
        response: { 200: page(RoleRef) },
      },
    },
    async (request) => {
      const result = await registry.listRoles({
        cursor: request.query.cursor,
        limit: request.query.limit ?? PAGE_LIMITS.defaultPageSize,
      });
      const current = await view();
      return { items: result.items.map((r) => toRoleView(r, current)), next_cursor: result.nextCursor };
    },
  );

  app.post(
    '/api/roles',
    {
      onRequest: write,
      schema: {
        operationId: 'createRole',
        tags,
        summary: 'Create a role: permissions on any registered API',
        security,
        body: NewRoleRequest,
        response: { 201: RoleRef },
      },
    },
    async (request, reply) => {
      const role = await registry.createRole(request.body, claimsOf(request).sub);
      return reply.status(201).send(toRoleView(role, await view()));
    },
  );

  app.get(
    '/api/roles/:id',
    {
      onRequest: read,
      schema: {
        operationId: 'getRole',
        tags,
        summary: 'Read a role',
        security,
        params: IdParam,
        response: { 200: RoleRef },
      },
    },
    async (request) => toRoleView(await registry.getRole(request.params.id), await view()),
  );

  app.patch(
    '/api/roles/:id',
    {
      onRequest: write,
      schema: {
        operationId: 'updateRole',
        tags,
        summary: "Change a role's description or permissions (a change of permissions revokes its holders' tokens)",
        security,
        params: IdParam,
        body: RolePatchRequest,
        response: { 200: RoleRef },
      },
    },
    async (request) =>
      toRoleView(await registry.updateRole(request.params.id, request.body, claimsOf(request).sub), await view()),
  );

  app.delete(
    '/api/roles/:id',
    {
      onRequest: write,
      schema: {
        operationId: 'deleteRole',
        tags,
        summary: 'Delete a role (its holders lose it, and their tokens are revoked)',
        security,
        params: IdParam,
        response: { 204: noContent('Deleted') },
      },
    },
    async (request, reply) => {
      await registry.deleteRole(request.params.id, claimsOf(request).sub);
      return reply.status(204).send();
    },
  );

  app.put(
    '/api/users/:id/roles',
    {
      onRequest: requirePermission(app, services.permissions, BULWARK_PERMISSION['users:write']),
      schema: {
        operationId: 'setUserRoles',
        tags: ['users'],
        summary: "Set a user's roles, all of them (a change ends their sessions and revokes their tokens)",
        security,
        params: IdParam,
        body: UserRolesRequest,
        response: { 200: UserRef },
      },
    },
    async (request) => {
      await registry.setUserRoles(request.params.id, request.body.roles, claimsOf(request).sub);
      return services.users.view(await services.users.get(request.params.id));
    },
  );
}
