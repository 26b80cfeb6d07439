import { randomUUID } from 'node:crypto';
import { NotFoundError } from '../../errors/index.js';
import type { Page } from '../../store/types.js';
import type { PayrollAudit } from '../audit.js';
import { employeesRepo, type EmployeeFields, type EmployeeRecord } from './employees-repo.js';
import type { PayrollDb } from '../db/schema.js';
import { maskIban } from '../domain/iban.js';
import { parseEmployeeBody, parseNewEmployee, type EmployeeBody } from './employee-input.js';
import { assertWriter, maySee, visibilityOf, type Viewer } from '../access/viewer.js';
import type { Employee, EmployeeFilter } from '@bulwark/contract/types';
import { toEmployeeView } from './employee-view.js';

/**
 * Employee records with the object-level rules of CONTRACT §4: admins see all, clerks all with
 * bank accounts masked, an employee only themselves. Another employee's id answers exactly like
 * an id that does not exist, so nothing reveals who is on the payroll.
 */
export class EmployeeService {
  constructor(
    private readonly db: PayrollDb,
    private readonly audit: PayrollAudit,
    private readonly now: () => number = Date.now,
  ) {}

  async list(
    viewer: Viewer,
    page: EmployeeFilter & { cursor?: string | undefined; limit: number },
  ): Promise<Page<Employee>> {
    const visibility = visibilityOf(viewer);
    if (visibility.kind === 'self' && visibility.employeeId === null) return { items: [], nextCursor: null };
    const onlyId = visibility.kind === 'self' ? (visibility.employeeId ?? undefined) : undefined;
    const q = page.q?.trim();
    const department = page.department?.trim();
    const result = await employeesRepo(this.db).list({
      cursor: page.cursor,
      limit: page.limit,
      onlyId,
      nameContains: q === '' ? undefined : q,
      department: department === '' ? undefined : department,
    });
    return { items: result.items.map((e) => this.view(viewer, e)), nextCursor: result.nextCursor };
  }

  async get(viewer: Viewer, id: string): Promise<Employee> {
    if (!maySee(visibilityOf(viewer), id)) throw new NotFoundError('employee');
    const employee = await employeesRepo(this.db).findById(id);
    if (employee === undefined) throw new NotFoundError('employee');
    return this.view(viewer, employee);
  }

  async create(viewer: Viewer, body: EmployeeBody): Promise<Employee> {
    assertWriter(viewer);
    const now = this.now();
    const employee: EmployeeRecord = { id: randomUUID(), ...parseNewEmployee(body), createdAt: now, updatedAt: now };
    await this.db.transaction().execute(async (trx) => {
      await employeesRepo(trx).insert(employee);
      await this.audit.within(trx).record('employee.created', {
        actorId: viewer.userId,
        targetId: employee.id,
        ip: viewer.ip,
        details: {
          fields: Object.keys(body).sort(),
          bank_account: maskIban(employee.bankAccount),
          status: employee.status,
        },
      });
    });
    return this.view(viewer, employee);
  }

  /** Writes the fields that differ; a patch that changes nothing writes (and audits) nothing. */
  async update(viewer: Viewer, id: string, body: EmployeeBody): Promise<Employee> {
    assertWriter(viewer);
    const fields = parseEmployeeBody(body);
    const repo = employeesRepo(this.db);
    const before = await repo.findById(id);
    if (before === undefined) throw new NotFoundError('employee');
    const changed = (Object.keys(fields) as Array<keyof EmployeeFields>).filter((k) => fields[k] !== before[k]);
    if (changed.length === 0) return this.view(viewer, before);
    const after = await this.db.transaction().execute(async (trx) => {
      const updated = await employeesRepo(trx).update(id, fields, this.now());
      if (updated === undefined) throw new NotFoundError('employee');
      await this.audit.within(trx).record('employee.updated', {
        actorId: viewer.userId,
        targetId: id,
        ip: viewer.ip,
        details: {
          changed: changed.map(toSnake).sort(),
          ...(changed.includes('bankAccount') ? { bank_account: maskIban(updated.bankAccount) } : {}),
        },
      });
      return updated;
    });
    return this.view(viewer, after);
  }

  private view(viewer: Viewer, employee: EmployeeRecord): Employee {
    const visibility = visibilityOf(viewer);
    return toEmployeeView(employee, visibility.kind === 'all' && visibility.maskBankAccounts);
  }
}

function toSnake(field: string): string {
  return field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
