import { useMemo, useState } from 'preact/hooks';
import { useApi } from '../api';
import { Notice, ProblemAlert } from '../components/problem';
import { follow } from '../components/nav';
import { Empty, ListTable } from '../components/table';
import { download, toCsv } from '../csv';
import { dateTime, money } from '../format';
import { useQueryParam } from '../router';
import type { Employee, Payment, PaymentTotal } from '../types';
import { fetchAll, useAll, useList } from '../use-list';
import { PayForm } from './pay-form';
import { PaymentDetail } from './payment-detail';
import { ReverseButton } from './reverse';

interface Filters {
  employee_id: string;
  from: string;
  to: string;
  kind: string;
}

const NO_FILTERS: Filters = { employee_id: '', from: '', to: '', kind: '' };

/** /payments, or one payment's detail at /payments?id=…. */
export function PaymentsView() {
  const id = useQueryParam('id');
  return id === null ? <PaymentList /> : <PaymentDetail id={id} />;
}

/** Payments newest first with filters (employee, period range, kind) and their totals; admins pay and reverse; any list exports as CSV. */
function PaymentList() {
  const { payroll, request } = useApi();
  const admin = payroll.writes;
  const employees = useAll<Employee>('/api/employees');
  const names = useMemo(
    () => new Map(employees.items.map((employee) => [employee.id, employee.name])),
    [employees.items],
  );
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const list = useList<Payment>('/api/payments', { ...filters, order: 'desc', limit: 50 });
  const totals = useList<PaymentTotal>('/api/payments/totals', { ...filters });
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const [exportError, setExportError] = useState<unknown>(undefined);
  const nameOf = (id: string) => names.get(id) ?? id;
  const changed = (text: string) => {
    setNotice(text);
    list.reload();
    totals.reload();
  };

  const exportCsv = async () => {
    setExportError(undefined);
    try {
      const all = await fetchAll<Payment>(request, '/api/payments', { ...filters, order: 'desc' });
      const rows = all.map((p) => [
        p.id,
        p.period,
        nameOf(p.employee_id),
        p.employee_id,
        (p.amount_cents / 100).toFixed(2),
        p.currency,
        p.kind,
        p.reverses_payment_id,
        p.memo,
        p.created_at,
      ]);
      download(
        'payments.csv',
        'text/csv;charset=utf-8',
        toCsv([
          [
            'id',
            'period',
            'employee',
            'employee_id',
            'amount',
            'currency',
            'kind',
            'reverses_payment_id',
            'memo',
            'created_at',
          ],
          ...rows,
        ]),
      );
      setNotice(`Exported ${all.length} payments.`);
    } catch (failure) {
      setExportError(failure);
    }
  };

  return (
    <section aria-labelledby="payments-heading">
      <h1 id="payments-heading">Payments</h1>
      {admin && (
        <PayForm
          employees={employees.items}
          onPaid={(payment) =>
            changed(
              `Paid ${money(payment.amount_cents, payment.currency)} to ${nameOf(payment.employee_id)} for ${payment.period}.`,
            )
          }
        />
      )}
      <FilterForm employees={payroll.reads ? employees.items : []} onApply={setFilters} />
      <Notice text={notice} />
      <ProblemAlert error={list.error ?? employees.error ?? exportError} />
      <h2>Totals per period</h2>
      <ListTable label="Totals per period" head={['Period', 'Currency', 'Total', 'Records']}>
        {totals.items.map((total) => (
          <tr key={`${total.period} ${total.currency}`}>
            <td data-label="Period">{total.period}</td>
            <td data-label="Currency">{total.currency}</td>
            <td data-label="Total" class="amount">
              {money(total.total_cents, total.currency)}
            </td>
            <td data-label="Records" class="amount">
              {total.count}
            </td>
          </tr>
        ))}
      </ListTable>
      <div class="actions">
        <h2 class="grow">Newest first</h2>
        <button type="button" onClick={() => void exportCsv()}>
          Export CSV
        </button>
      </div>
      <ListTable label="Payments" head={['Period', 'Employee', 'Amount', 'Kind', 'Memo', 'Created', 'Actions']}>
        {list.items.map((payment) => (
          <tr key={payment.id}>
            <td data-label="Period">{payment.period}</td>
            <td data-label="Employee">
              {!payroll.reads ? (
                nameOf(payment.employee_id)
              ) : (
                <a
                  href={`/employees?id=${payment.employee_id}`}
                  onClick={(event) => follow(event, `/employees?id=${payment.employee_id}`)}
                >
                  {nameOf(payment.employee_id)}
                </a>
              )}
            </td>
            <td data-label="Amount" class="amount">
              {money(payment.amount_cents, payment.currency)}
            </td>
            <td data-label="Kind">
              {payment.kind}
              {payment.reversed_by_payment_id !== null ? ' (reversed)' : ''}
            </td>
            <td data-label="Memo">{payment.memo ?? ''}</td>
            <td data-label="Created">{dateTime(payment.created_at)}</td>
            <td data-label="Actions" class="row-actions">
              <a
                href={`/payments?id=${payment.id}`}
                onClick={(event) => follow(event, `/payments?id=${payment.id}`)}
                aria-label={`Details of the ${payment.period} ${payment.kind} to ${nameOf(payment.employee_id)}`}
              >
                Details
              </a>
              {admin && <ReverseButton payment={payment} employeeName={nameOf(payment.employee_id)} onDone={changed} />}
            </td>
          </tr>
        ))}
      </ListTable>
      {!list.loading && list.items.length === 0 && list.error === undefined && (
        <Empty>
          {filters === NO_FILTERS
            ? admin
              ? 'No payments yet. Pay an employee with the form above.'
              : 'No payments yet.'
            : 'No payments match these filters. Clear them to see all.'}
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

function FilterForm({ employees, onApply }: { employees: Employee[]; onApply(filters: Filters): void }) {
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const set = (name: keyof Filters) => (event: { currentTarget: { value: string } }) =>
    setDraft({ ...draft, [name]: event.currentTarget.value });
  return (
    <form
      class="filters"
      aria-label="Filter payments"
      onSubmit={(event) => {
        event.preventDefault();
        onApply({ ...draft });
      }}
    >
      {employees.length > 0 && (
        <label>
          Employee
          <select value={draft.employee_id} onChange={set('employee_id')}>
            <option value="">All employees</option>
            {employees.map((employee) => (
              <option key={employee.id} value={employee.id}>
                {employee.name}
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        From period <input type="month" value={draft.from} onInput={set('from')} />
      </label>
      <label>
        To period <input type="month" value={draft.to} onInput={set('to')} />
      </label>
      <label>
        Kind
        <select value={draft.kind} onChange={set('kind')}>
          <option value="">Payments and reversals</option>
          <option value="payment">Payments only</option>
          <option value="reversal">Reversals only</option>
        </select>
      </label>
      <button type="submit">Apply filters</button>
      <button
        type="reset"
        onClick={() => {
          setDraft(NO_FILTERS);
          onApply(NO_FILTERS);
        }}
      >
        Clear
      </button>
    </form>
  );
}
