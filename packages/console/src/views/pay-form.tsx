import { useRef, useState } from 'preact/hooks';
import { useApi } from '../api';
import { useConfirm } from '../components/confirm';
import { fieldProblem } from '../components/field-errors';
import { ProblemAlert } from '../components/problem';
import { money, newIdempotencyKey, parseAmountToCents } from '../format';
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
 * Pays an employee (admins), after a confirmation naming who, how much and for when. The
 * employee is picked from a list the search box narrows (name, department or email). One
 * Idempotency-Key per draft: kept until the draft changes or the payment is made, so a double
 * click, or a retry after a lost answer, sends the same key and the server pays once.
 */
export function PayForm({ employees, onPaid }: { employees: Employee[]; onPaid(payment: Payment): void }) {
  const { request } = useApi();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [search, setSearch] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [invalid, setInvalid] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [dialog, confirm] = useConfirm();
  const key = useRef(newIdempotencyKey());
  const inFlight = useRef(false);
  const needle = search.trim().toLowerCase();
  const payable = employees.filter(
    (employee) =>
      employee.status !== 'terminated' &&
      (needle === '' ||
        employee.id === draft.employee_id ||
        `${employee.name} ${employee.department} ${employee.email}`.toLowerCase().includes(needle)),
  );

  const edit = (change: Partial<Draft>) => {
    key.current = newIdempotencyKey();
    setDraft({ ...draft, ...change });
  };
  const choose = (id: string) =>
    edit({ employee_id: id, currency: employees.find((employee) => employee.id === id)?.currency ?? draft.currency });

  const submit = async (event: Event) => {
    event.preventDefault();
    if (inFlight.current) return;
    const amount_cents = parseAmountToCents(draft.amount);
    if (draft.employee_id === '' || amount_cents === undefined) {
      setInvalid(
        draft.employee_id === ''
          ? 'Choose an employee.'
          : 'Enter a positive amount with at most two decimals, e.g. 1250.00.',
      );
      return;
    }
    const currency = draft.currency.trim().toUpperCase();
    const name = employees.find((employee) => employee.id === draft.employee_id)?.name ?? draft.employee_id;
    inFlight.current = true;
    setInvalid(undefined);
    const answer = await confirm({
      title: 'Make this payment?',
      body: (
        <p>
          Pay {money(amount_cents, currency)} to {name} for {draft.period}
          {draft.memo.trim() === '' ? '' : ` (${draft.memo.trim()})`}. A payment cannot be edited, only reversed.
        </p>
      ),
      action: 'Pay',
    });
    if (!answer.confirmed) {
      inFlight.current = false;
      return;
    }
    setBusy(true);
    setError(undefined);
    const body = {
      employee_id: draft.employee_id,
      amount_cents,
      currency,
      period: draft.period,
      ...(draft.memo.trim() === '' ? {} : { memo: draft.memo.trim() }),
    };
    try {
      const payment = await request<Payment>('POST', '/api/payments', {
        body,
        headers: { 'idempotency-key': key.current },
      });
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

  const problem = fieldProblem(error);
  return (
    <>
      <form class="pay" aria-label="Pay an employee" onSubmit={submit}>
        <h2>Pay an employee</h2>
        <label>
          Search names{' '}
          <input
            type="search"
            value={search}
            placeholder="name, department or email"
            onInput={(event) => setSearch(event.currentTarget.value)}
          />
        </label>
        <label>
          Employee
          <select
            aria-label="Employee"
            value={draft.employee_id}
            required
            onChange={(event) => choose(event.currentTarget.value)}
          >
            <option value="">{payable.length === 0 ? 'No one matches' : `Choose… (${payable.length})`}</option>
            {payable.map((employee) => (
              <option key={employee.id} value={employee.id}>
                {employee.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Amount{' '}
          <input
            inputMode="decimal"
            required
            value={draft.amount}
            onInput={(event) => edit({ amount: event.currentTarget.value })}
          />
        </label>
        <label>
          Currency{' '}
          <input
            required
            maxLength={3}
            size={4}
            value={draft.currency}
            onInput={(event) => edit({ currency: event.currentTarget.value })}
          />
        </label>
        <label>
          Period{' '}
          <input
            type="month"
            required
            value={draft.period}
            onInput={(event) => edit({ period: event.currentTarget.value })}
          />
        </label>
        <label>
          Memo{' '}
          <input maxLength={500} value={draft.memo} onInput={(event) => edit({ memo: event.currentTarget.value })} />
        </label>
        <button type="submit" disabled={busy}>
          Pay
        </button>
        {invalid !== undefined && (
          <p class="problem" role="alert">
            {invalid}
          </p>
        )}
        {problem === undefined ? (
          <ProblemAlert error={error} />
        ) : (
          <p class="problem" role="alert">
            {problem.message}
          </p>
        )}
      </form>
      {dialog}
    </>
  );
}
