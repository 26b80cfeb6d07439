import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { HTTP_LIMITS } from '../../http/limits.js';
import type { EmployeeService } from '../employees.js';
import { viewerOf } from '../viewer.js';
import { IdParam, page, security } from './common.js';
import { Employee, EmployeeListQuery, EmployeePatch, NewEmployee } from './employee-schemas.js';

const tags = ['employees'];

/** Employees. Who may call a route is declared on it; who sees which record is the service's rule. */
export function registerEmployeeRoutes(parent: FastifyInstance, employees: EmployeeService): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/api/employees', {
    onRequest: app.requireAuth({ roles: ['admin', 'clerk', 'employee'] }),
    schema: { tags, summary: 'List employees (an employee sees only themselves; clerks see bank accounts masked)', security, querystring: EmployeeListQuery, response: { 200: page(Employee) } },
  }, async (request) => {
    const result = await employees.list(viewerOf(request), { cursor: request.query.cursor, limit: request.query.limit ?? HTTP_LIMITS.defaultPageSize });
    return { items: result.items, next_cursor: result.nextCursor };
  });

  app.get('/api/employees/:id', {
    onRequest: app.requireAuth({ roles: ['admin', 'clerk', 'employee'] }),
    schema: { tags, summary: 'Get an employee (an employee only themselves: any other id is 404)', security, params: IdParam, response: { 200: Employee } },
  }, async (request) => employees.get(viewerOf(request), request.params.id));

  app.post('/api/employees', {
    onRequest: app.requireAuth({ roles: ['admin'] }),
    schema: { tags, summary: 'Create an employee', security, body: NewEmployee, response: { 201: Employee } },
  }, async (request, reply) => reply.status(201).send(await employees.create(viewerOf(request), request.body)));

  app.patch('/api/employees/:id', {
    onRequest: app.requireAuth({ roles: ['admin'] }),
    schema: { tags, summary: 'Change an employee\'s writable fields', security, params: IdParam, body: EmployeePatch, response: { 200: Employee } },
  }, async (request) => employees.update(viewerOf(request), request.params.id, request.body));
}
