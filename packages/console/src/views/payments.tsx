import { useMemo, useRef, useState } from 'preact/hooks';
import { useApi } from '../api';
import { Notice, ProblemAlert } from '../components/problem';
import { dateTime, money, newIdempotencyKey } from '../format';
import type { Employee, Payment } from '../types';
import { useAll, useList } from '../use-list';
import { PayForm } from './pay-form';

interface Filters {
  employee_id: string;
  from: string;
  to: string;
}

const NO_FILTERS: Filters = { employee_id: '', from: '', to: '' };

/** Payments with filters (employee, period range); admins pay and reverse. */
export function PaymentsView() {
  const { user } = useApi();
  const admin = user.role === 'admin';
  const employees = useAll<Employee>('/api/employees');
  const names = useMemo(() => new Map(employees.items.map((employee) => [employee.id, employee.name])), [employees.items]);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const list = useList<Payment>('/api/payments', { ...filters, limit: 50 });
  const [notice, setNotice] = useState<string | undefined>(undefined);

  return (
    <section aria-labelledby="payments-heading">
      <h1 id="payments-heading">Payments</h1>
      {admin && <PayForm employees={employees.items} onPaid={(payment) => {
        setNotice(`Paid ${money(payment.amount_cents, payment.currency)} to ${names.get(payment.employee_id) ?? payment.employee_id} for ${payment.period}.`);
        list.reload();
      }} />}
      <FilterForm employees={user.role === 'employee' ? [] : employees.items} onApply={setFilters} />
      <Notice text={notice} />
      <ProblemAlert error={list.error ?? employees.error} />
      <table class="list" aria-label="Payments">
        <thead>
          <tr><th>Period</th><th>Employee</th><th>Amount</th><th>Kind</th><th>Memo</th><th>Created</th>{admin && <th>Actions</th>}</tr>
        </thead>
        <tbody>
          {list.items.map((payment) => (
            <tr key={payment.id}>
              <td>{payment.period}</td>
              <td>{names.get(payment.employee_id) ?? payment.employee_id}</td>
              <td class="amount">{money(payment.amount_cents, payment.currency)}</td>
              <td>{payment.kind}{payment.reversed_by_payment_id !== null ? ' (reversed)' : ''}</td>
              <td>{payment.memo ?? ''}</td>
              <td>{dateTime(payment.created_at)}</td>
              {admin && <td><ReverseButton payment={payment} onDone={(text) => { setNotice(text); list.reload(); }} /></td>}
            </tr>
          ))}
        </tbody>
      </table>
      {!list.loading && list.items.length === 0 && list.error === undefined && <p>No payments match.</p>}
      {list.hasMore && <button type="button" onClick={list.more} disabled={list.loading}>More</button>}
    </section>
  );
}

function FilterForm({ employees, onApply }: { employees: Employee[]; onApply(filters: Filters): void }) {
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const set = (name: keyof Filters) => (event: { currentTarget: { value: string } }) => setDraft({ ...draft, [name]: event.currentTarget.value });
  return (
    <form class="filters" aria-label="Filter payments" onSubmit={(event) => { event.preventDefault(); onApply(draft); }}>
      {employees.length > 0 && (
        <label>Employee
          <select value={draft.employee_id} onChange={set('employee_id')}>
            <option value="">All employees</option>
            {employees.map((employee) => <option key={employee.id} value={employee.id}>{employee.name}</option>)}
          </select>
        </label>
      )}
      <label>From period <input type="month" value={draft.from} onInput={set('from')} /></label>
      <label>To period <input type="month" value={draft.to} onInput={set('to')} /></label>
      <button type="submit">Apply filters</button>
      <button type="reset" onClick={() => { setDraft(NO_FILTERS); onApply(NO_FILTERS); }}>Clear</button>
    </form>
  );
}

/**
 * Reverses a payment once: one Idempotency-Key per payment for as long as this row lives, so
 * a double click or a retry after a lost answer never reverses twice.
 */
function ReverseButton({ payment, onDone }: { payment: Payment; onDone(text: string): void }) {
  const { request } = useApi();
  const key = useRef(newIdempotencyKey());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  if (payment.kind !== 'payment' || payment.reversed_by_payment_id !== null) return null;
  const reverse = async () => {
    if (busy) return;
    setBusy(true);
    setError(undefined);
    try {
      await request<Payment>('POST', `/api/payments/${encodeURIComponent(payment.id)}/reversal`, { body: {}, headers: { 'idempotency-key': key.current } });
      onDone(`Reversed the ${payment.period} payment of ${money(payment.amount_cents, payment.currency)}.`);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" onClick={() => void reverse()} disabled={busy}>Reverse</button>
      <ProblemAlert error={error} />
    </>
  );
}
