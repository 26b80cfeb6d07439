import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { RequireAuthOptions } from '@bulwark/guard';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { namedSchema } from '../../http/openapi.js';
import type { EmployeeService } from './employee-service.js';
import { viewerOf } from '../access/viewer.js';
import { payrollReader } from '../access/read-auth.js';
import {
  closed,
  Employee,
  EmployeeFilter,
  EmployeePatch,
  IdParam,
  NewEmployee,
  page,
  PAGE_LIMITS,
  PageParams,
  security,
} from '@bulwark/contract';
import { PAYROLL_WRITES } from '../access/write-auth.js';

const tags = ['employees'];
const EmployeeListQuery = Type.Object({ ...EmployeeFilter.properties, ...PageParams }, closed);

/** Employees. Who may call a route is declared on it; who sees which record is the service's rule. */
export function registerEmployeeRoutes(
  parent: FastifyInstance,
  employees: EmployeeService,
  writeAuth: RequireAuthOptions = PAYROLL_WRITES,
): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const EmployeeRef = namedSchema(app, Employee);

  app.get(
    '/api/employees',
    {
      onRequest: [app.requireAuth(), payrollReader],
      schema: {
        operationId: 'listEmployees',
        tags,
        summary:
          'List employees, oldest record first, optionally by name search and department (an employee sees only themselves; clerks see bank accounts masked)',
        security,
        querystring: EmployeeListQuery,
        response: { 200: page(EmployeeRef) },
      },
    },
    async (request) => {
      const { cursor, limit, ...filter } = request.query;
      const result = await employees.list(viewerOf(request), {
        ...filter,
        cursor,
        limit: limit ?? PAGE_LIMITS.defaultPageSize,
      });
      return { items: result.items, next_cursor: result.nextCursor };
    },
  );

  app.get(
    '/api/employees/:id',
    {
      onRequest: [app.requireAuth(), payrollReader],
      schema: {
        operationId: 'getEmployee',
        tags,
        summary: 'Get an employee (an employee only themselves: any other id is 404)',
        security,
        params: IdParam,
        response: { 200: EmployeeRef },
      },
    },
    async (request) => employees.get(viewerOf(request), request.params.id),
  );

  app.post(
    '/api/employees',
    {
      onRequest: app.requireAuth(writeAuth),
      schema: {
        operationId: 'createEmployee',
        tags,
        summary: 'Create an employee',
        security,
        body: NewEmployee,
        response: { 201: EmployeeRef },
      },
    },
    async (request, reply) => reply.status(201).send(await employees.create(viewerOf(request), request.body)),
  );

  app.patch(
    '/api/employees/:id',
    {
      onRequest: app.requireAuth(writeAuth),
      schema: {
        operationId: 'updateEmployee',
        tags,
        summary: "Change an employee's writable fields",
        security,
        params: IdParam,
        body: EmployeePatch,
        response: { 200: EmployeeRef },
      },
    },
    async (request) => employees.update(viewerOf(request), request.params.id, request.body),
  );
}
