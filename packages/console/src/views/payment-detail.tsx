import { useEffect, useState } from 'preact/hooks';
import { useApi } from '../api';
import { follow } from '../components/nav';
import { Notice, ProblemAlert } from '../components/problem';
import { dateTime, money } from '../format';
import type { Employee, Payment } from '../types';
import { ReverseButton } from './reverse';

function Link({ to, children }: { to: string; children: string }) {
  return (
    <a href={to} onClick={(event) => follow(event, to)}>
      {children}
    </a>
  );
}

/** One payment as a payslip: who, for when, how much, and the reversal that cancels it (or the payment it cancels). */
export function PaymentDetail({ id }: { id: string }) {
  const { request, payroll } = useApi();
  const [payment, setPayment] = useState<Payment | undefined>(undefined);
  const [employee, setEmployee] = useState<Employee | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    let live = true;
    setError(undefined);
    void (async () => {
      try {
        const found = await request<Payment>('GET', `/api/payments/${encodeURIComponent(id)}`);
        // Shown together, so the payslip never flashes an id where the name goes.
        const person = await request<Employee>('GET', `/api/employees/${encodeURIComponent(found.employee_id)}`).catch(
          () => undefined,
        );
        if (!live) return;
        setPayment(found);
        setEmployee(person);
      } catch (failure) {
        if (live) setError(failure);
      }
    })();
    return () => {
      live = false;
    };
  }, [request, id, version]);

  const name = employee?.name ?? payment?.employee_id ?? '';
  return (
    <section aria-labelledby="payment-heading" class="payslip">
      <p>
        <Link to="/payments">← All payments</Link>
      </p>
      <h1 id="payment-heading">
        {payment === undefined
          ? 'Payment'
          : `${payment.kind === 'reversal' ? 'Reversal' : 'Payment'} for ${payment.period}`}
      </h1>
      <ProblemAlert error={error} />
      <Notice text={notice} />
      {payment !== undefined && (
        <>
          <dl class="facts">
            <dt>Employee</dt>
            <dd>{!payroll.reads ? name : <Link to={`/employees?id=${payment.employee_id}`}>{name}</Link>}</dd>
            {employee !== undefined && (
              <>
                <dt>Department</dt>
                <dd>
                  {employee.department}, {employee.title}
                </dd>
              </>
            )}
            {employee !== undefined && (
              <>
                <dt>Bank account</dt>
                <dd class="iban">{employee.bank_account}</dd>
              </>
            )}
            <dt>Pay period</dt>
            <dd>{payment.period}</dd>
            <dt>Amount</dt>
            <dd class="amount-big">{money(payment.amount_cents, payment.currency)}</dd>
            <dt>Kind</dt>
            <dd>{payment.kind}</dd>
            <dt>Memo</dt>
            <dd>{payment.memo ?? '—'}</dd>
            <dt>Issued</dt>
            <dd>{dateTime(payment.created_at)}</dd>
            <dt>Reference</dt>
            <dd class="mono">{payment.id}</dd>
            {payment.reverses_payment_id !== null && (
              <>
                <dt>Reverses</dt>
                <dd>
                  <Link to={`/payments?id=${payment.reverses_payment_id}`}>The original payment</Link>
                </dd>
              </>
            )}
            {payment.reversed_by_payment_id !== null && (
              <>
                <dt>Reversed by</dt>
                <dd>
                  <Link to={`/payments?id=${payment.reversed_by_payment_id}`}>The reversal</Link>
                </dd>
              </>
            )}
          </dl>
          {payroll.writes && (
            <ReverseButton
              payment={payment}
              employeeName={name}
              onDone={(text) => {
                setNotice(text);
                setVersion(version + 1);
              }}
            />
          )}
        </>
      )}
    </section>
  );
}
