import { useEffect, useState } from 'preact/hooks';
import { useApi } from '../api';
import { useConfirm } from '../components/confirm';
import { follow } from '../components/nav';
import { Notice, ProblemAlert } from '../components/problem';
import { Empty, ListTable } from '../components/table';
import { dateTime, money } from '../format';
import type { Employee, Payment } from '../types';
import { useList } from '../use-list';
import { EmployeeForm } from './employee-form';

/** One employee: their record, their payments newest first; admins edit and deactivate. */
export function EmployeePage({ id }: { id: string }) {
  const { request, payroll } = useApi();
  const admin = payroll.writes;
  const [employee, setEmployee] = useState<Employee | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const [editing, setEditing] = useState(false);
  const [dialog, confirm] = useConfirm();
  const payments = useList<Payment>('/api/payments', { employee_id: id, order: 'desc', limit: 50 });

  useEffect(() => {
    let live = true;
    request<Employee>('GET', `/api/employees/${encodeURIComponent(id)}`).then(
      (found) => live && setEmployee(found),
      (failure: unknown) => live && setError(failure),
    );
    return () => {
      live = false;
    };
  }, [request, id]);

  const deactivate = async (record: Employee) => {
    const answer = await confirm({
      title: `Deactivate ${record.name}?`,
      body: (
        <p>
          {record.name} ({record.department}) will be marked terminated and can no longer be paid. Their payments stay.
        </p>
      ),
      action: 'Deactivate',
    });
    if (!answer.confirmed) return;
    setError(undefined);
    try {
      setEmployee(
        await request<Employee>('PATCH', `/api/employees/${encodeURIComponent(record.id)}`, {
          body: { status: 'terminated' },
        }),
      );
      setNotice(`${record.name} is deactivated.`);
    } catch (failure) {
      setError(failure);
    }
  };

  return (
    <section aria-labelledby="employee-heading">
      {payroll.reads && (
        <p>
          <a href="/employees" onClick={(event) => follow(event, '/employees')}>
            ← All employees
          </a>
        </p>
      )}
      <h1 id="employee-heading">{employee?.name ?? 'Employee'}</h1>
      <ProblemAlert error={error} />
      <Notice text={notice} />
      {employee !== undefined && !editing && (
        <>
          <dl class="facts">
            <dt>Email</dt>
            <dd>{employee.email}</dd>
            <dt>Department</dt>
            <dd>{employee.department}</dd>
            <dt>Title</dt>
            <dd>{employee.title}</dd>
            <dt>Yearly salary</dt>
            <dd>{money(employee.salary_cents, employee.currency)}</dd>
            <dt>Bank account</dt>
            <dd class="iban">{employee.bank_account}</dd>
            <dt>Hired on</dt>
            <dd>{employee.hired_on}</dd>
            <dt>Status</dt>
            <dd>{employee.status.replace('_', ' ')}</dd>
          </dl>
          {admin && (
            <div class="actions">
              <button type="button" onClick={() => setEditing(true)}>
                Edit
              </button>
              {employee.status !== 'terminated' && (
                <button type="button" onClick={() => void deactivate(employee)}>
                  Deactivate
                </button>
              )}
            </div>
          )}
        </>
      )}
      {employee !== undefined && editing && (
        <EmployeeForm
          employee={employee}
          onCancel={() => setEditing(false)}
          onSaved={(saved) => {
            setEmployee(saved);
            setEditing(false);
            setNotice(`Saved ${saved.name}.`);
          }}
        />
      )}
      <h2>Payments</h2>
      <ProblemAlert error={payments.error} />
      <ListTable
        label={`Payments of ${employee?.name ?? 'this employee'}`}
        head={['Period', 'Amount', 'Kind', 'Memo', 'Created', 'Details']}
      >
        {payments.items.map((payment) => (
          <tr key={payment.id}>
            <td data-label="Period">{payment.period}</td>
            <td data-label="Amount" class="amount">
              {money(payment.amount_cents, payment.currency)}
            </td>
            <td data-label="Kind">
              {payment.kind}
              {payment.reversed_by_payment_id !== null ? ' (reversed)' : ''}
            </td>
            <td data-label="Memo">{payment.memo ?? ''}</td>
            <td data-label="Created">{dateTime(payment.created_at)}</td>
            <td data-label="Details">
              <a
                href={`/payments?id=${payment.id}`}
                onClick={(event) => follow(event, `/payments?id=${payment.id}`)}
                aria-label={`Details of the ${payment.period} ${payment.kind}`}
              >
                Details
              </a>
            </td>
          </tr>
        ))}
      </ListTable>
      {!payments.loading && payments.items.length === 0 && payments.error === undefined && (
        <Empty>No payments yet.</Empty>
      )}
      {payments.hasMore && (
        <button type="button" onClick={payments.more} disabled={payments.loading}>
          More
        </button>
      )}
      {dialog}
    </section>
  );
}
