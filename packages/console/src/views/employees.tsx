import { useState } from 'preact/hooks';
import { useApi } from '../api';
import { follow } from '../components/nav';
import { Notice, ProblemAlert } from '../components/problem';
import { Empty, ListTable } from '../components/table';
import { money } from '../format';
import { useQueryParam } from '../router';
import type { Employee } from '../types';
import { useAll, useList } from '../use-list';
import { EmployeeForm } from './employee-form';
import { EmployeePage } from './employee-page';

/** /employees, or one employee's page at /employees?id=…. */
export function EmployeesView() {
  const id = useQueryParam('id');
  return id === null ? <EmployeeList /> : <EmployeePage id={id} />;
}

/** Employees as the API shows them to the caller: clerks get bank accounts masked, employees only themselves; admins add. */
function EmployeeList() {
  const { payroll } = useApi();
  const admin = payroll.writes;
  const [search, setSearch] = useState({ q: '', department: '' });
  const [draft, setDraft] = useState(search);
  const list = useList<Employee>('/api/employees', { ...search, limit: 50 });
  const everyone = useAll<Employee>('/api/employees');
  const departments = [...new Set([...everyone.items, ...list.items].map((employee) => employee.department))].sort();
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const [adding, setAdding] = useState(false);
  const searching = search.q !== '' || search.department !== '';

  return (
    <section aria-labelledby="employees-heading">
      <h1 id="employees-heading">Employees</h1>
      {payroll.reads && !payroll.writes && <p class="hint">Bank accounts are masked for clerks.</p>}
      {!payroll.reads && <p class="hint">Your own record.</p>}
      {admin && !adding && (
        <div class="actions">
          <button type="button" onClick={() => setAdding(true)}>
            Add employee
          </button>
        </div>
      )}
      {admin && adding && (
        <EmployeeForm
          onCancel={() => setAdding(false)}
          onSaved={(saved) => {
            setAdding(false);
            setNotice(`Added ${saved.name}.`);
            list.reload();
          }}
        />
      )}
      {payroll.reads && (
        <form
          class="filters"
          aria-label="Search employees"
          onSubmit={(event) => {
            event.preventDefault();
            setSearch({ q: draft.q.trim(), department: draft.department });
          }}
        >
          <label>
            Name{' '}
            <input
              type="search"
              maxLength={100}
              value={draft.q}
              onInput={(event) => setDraft({ ...draft, q: event.currentTarget.value })}
            />
          </label>
          <label>
            Department
            <select
              value={draft.department}
              onChange={(event) => setDraft({ ...draft, department: event.currentTarget.value })}
            >
              <option value="">All departments</option>
              {departments.map((department) => (
                <option key={department} value={department}>
                  {department}
                </option>
              ))}
            </select>
          </label>
          <button type="submit">Search</button>
          <button
            type="reset"
            onClick={() => {
              setDraft({ q: '', department: '' });
              setSearch({ q: '', department: '' });
            }}
          >
            Clear
          </button>
        </form>
      )}
      <Notice text={notice} />
      <ProblemAlert error={list.error} />
      <ListTable
        label="Employees"
        head={['Name', 'Email', 'Department', 'Title', 'Salary', 'Bank account', 'Hired', 'Status']}
      >
        {list.items.map((employee) => (
          <tr key={employee.id}>
            <td data-label="Name">
              <a
                href={`/employees?id=${employee.id}`}
                onClick={(event) => follow(event, `/employees?id=${employee.id}`)}
              >
                {employee.name}
              </a>
            </td>
            <td data-label="Email">{employee.email}</td>
            <td data-label="Department">{employee.department}</td>
            <td data-label="Title">{employee.title}</td>
            <td data-label="Salary" class="amount">
              {money(employee.salary_cents, employee.currency)}
            </td>
            <td data-label="Bank account" class="iban">
              {employee.bank_account}
            </td>
            <td data-label="Hired">{employee.hired_on}</td>
            <td data-label="Status">{employee.status.replace('_', ' ')}</td>
          </tr>
        ))}
      </ListTable>
      {!list.loading && list.items.length === 0 && list.error === undefined && (
        <Empty>
          {searching
            ? 'No employees match this search. Clear it to see everyone.'
            : admin
              ? 'No employees yet. Add the first one with "Add employee"; then you can pay them.'
              : !payroll.reads
                ? 'Your user is not linked to an employee record. Ask an administrator.'
                : 'No employees yet. An administrator adds them.'}
        </Empty>
      )}
      {list.hasMore && (
        <button type="button" onClick={list.more} disabled={list.loading}>
          More
        </button>
      )}
    </section>
  );
}
