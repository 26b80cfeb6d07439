import { useRef, useState } from 'preact/hooks';
import { useApi } from '../api';
import { ProblemAlert } from '../components/problem';
import { newIdempotencyKey, parseAmountToCents } from '../format';
import type { Employee, Payment } from '../types';

interface Draft {
  employee_id: string;
  amount: string;
  currency: string;
  period: string;
  memo: string;
}

function thisMonth(): string {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}`;
}

const EMPTY: Draft = { employee_id: '', amount: '', currency: 'EUR', period: thisMonth(), memo: '' };

/**
 * Pays an employee (admins). One Idempotency-Key per form submission: the key is made with the
 * draft and kept until the draft changes or the payment is made, so a double click, or a retry
 * after a lost answer, sends the same key and the server pays once (a replay answers the
 * first payment again). A second click while the first is in flight is not even sent.
 */
export function PayForm({ employees, onPaid }: { employees: Employee[]; onPaid(payment: Payment): void }) {
  const { request } = useApi();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [error, setError] = useState<unknown>(undefined);
  const [invalid, setInvalid] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const key = useRef(newIdempotencyKey());
  const inFlight = useRef(false);
  const payable = employees.filter((employee) => employee.status !== 'terminated');

  const edit = (change: Partial<Draft>) => {
    key.current = newIdempotencyKey();
    setDraft({ ...draft, ...change });
  };
  const choose = (id: string) => edit({ employee_id: id, currency: employees.find((employee) => employee.id === id)?.currency ?? draft.currency });

  const submit = async (event: Event) => {
    event.preventDefault();
    if (inFlight.current) return;
    const amount_cents = parseAmountToCents(draft.amount);
    if (draft.employee_id === '' || amount_cents === undefined) {
      setInvalid(draft.employee_id === '' ? 'Choose an employee.' : 'Enter a positive amount with at most two decimals, e.g. 1250.00.');
      return;
    }
    inFlight.current = true;
    setBusy(true);
    setInvalid(undefined);
    setError(undefined);
    const body = { employee_id: draft.employee_id, amount_cents, currency: draft.currency.trim().toUpperCase(), period: draft.period, ...(draft.memo.trim() === '' ? {} : { memo: draft.memo.trim() }) };
    try {
      const payment = await request<Payment>('POST', '/api/payments', { body, headers: { 'idempotency-key': key.current } });
      key.current = newIdempotencyKey();
      setDraft({ ...EMPTY, period: draft.period });
      onPaid(payment);
    } catch (failure) {
      setError(failure);
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  };

  return (
    <form class="pay" aria-label="Pay an employee" onSubmit={submit}>
      <h2>Pay an employee</h2>
      <label>Employee
        <select value={draft.employee_id} required onChange={(event) => choose(event.currentTarget.value)}>
          <option value="">Choose…</option>
          {payable.map((employee) => <option key={employee.id} value={employee.id}>{employee.name}</option>)}
        </select>
      </label>
      <label>Amount <input inputMode="decimal" required value={draft.amount} onInput={(event) => edit({ amount: event.currentTarget.value })} /></label>
      <label>Currency <input required maxLength={3} size={4} value={draft.currency} onInput={(event) => edit({ currency: event.currentTarget.value })} /></label>
      <label>Period <input type="month" required value={draft.period} onInput={(event) => edit({ period: event.currentTarget.value })} /></label>
      <label>Memo <input maxLength={500} value={draft.memo} onInput={(event) => edit({ memo: event.currentTarget.value })} /></label>
      <button type="submit" disabled={busy}>Pay</button>
      {invalid !== undefined && <p class="problem" role="alert">{invalid}</p>}
      <ProblemAlert error={error} />
    </form>
  );
}
