import { useApi } from '../api';
import { ProblemAlert } from '../components/problem';
import { money } from '../format';
import type { Employee } from '../types';
import { useList } from '../use-list';

/** Employees as the API shows them to the caller: clerks get bank accounts masked, employees only themselves. */
export function EmployeesView() {
  const { user } = useApi();
  const list = useList<Employee>('/api/employees', { limit: 50 });
  return (
    <section aria-labelledby="employees-heading">
      <h1 id="employees-heading">Employees</h1>
      {user.role === 'clerk' && <p class="hint">Bank accounts are masked for clerks.</p>}
      {user.role === 'employee' && <p class="hint">Your own record.</p>}
      <ProblemAlert error={list.error} />
      <table class="list" aria-label="Employees">
        <thead>
          <tr><th>Name</th><th>Email</th><th>Department</th><th>Title</th><th>Salary</th><th>Bank account</th><th>Hired</th><th>Status</th></tr>
        </thead>
        <tbody>
          {list.items.map((employee) => (
            <tr key={employee.id}>
              <td>{employee.name}</td>
              <td>{employee.email}</td>
              <td>{employee.department}</td>
              <td>{employee.title}</td>
              <td class="amount">{money(employee.salary_cents, employee.currency)}</td>
              <td class="iban">{employee.bank_account}</td>
              <td>{employee.hired_on}</td>
              <td>{employee.status.replace('_', ' ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.hasMore && <button type="button" onClick={list.more} disabled={list.loading}>More</button>}
    </section>
  );
}
