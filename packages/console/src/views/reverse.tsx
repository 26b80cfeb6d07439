import { useRef, useState } from 'preact/hooks';
import { useApi } from '../api';
import { useConfirm } from '../components/confirm';
import { ProblemAlert } from '../components/problem';
import { money, newIdempotencyKey } from '../format';
import type { Payment } from '../types';

/**
 * Reverses a payment once, after a confirmation naming whose payment, how much and for when,
 * with the reason the audit keeps (sent as the reversal's memo). One Idempotency-Key per payment
 * for as long as this button lives, so a double click or a retry never reverses twice.
 */
export function ReverseButton({
  payment,
  employeeName,
  onDone,
}: {
  payment: Payment;
  employeeName: string;
  onDone(text: string): void;
}) {
  const { request } = useApi();
  const key = useRef(newIdempotencyKey());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [dialog, confirm] = useConfirm();
  if (payment.kind !== 'payment' || payment.reversed_by_payment_id !== null) return null;
  const amount = money(payment.amount_cents, payment.currency);
  const reverse = async () => {
    if (busy) return;
    const answer = await confirm({
      title: 'Reverse this payment?',
      body: (
        <p>
          This reverses {employeeName}'s payment of {amount} for {payment.period}: a reversal of −{amount} is recorded.
          It cannot be undone.
        </p>
      ),
      action: 'Reverse payment',
      reasonLabel: 'Reason (kept in the audit log)',
    });
    if (!answer.confirmed) return;
    setBusy(true);
    setError(undefined);
    try {
      await request<Payment>('POST', `/api/payments/${encodeURIComponent(payment.id)}/reversal`, {
        body: { memo: answer.reason },
        headers: { 'idempotency-key': key.current },
      });
      onDone(`Reversed ${employeeName}'s ${payment.period} payment of ${amount}.`);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button
        type="button"
        onClick={() => void reverse()}
        disabled={busy}
        aria-label={`Reverse ${employeeName}'s ${payment.period} payment of ${amount}`}
      >
        Reverse
      </button>
      {dialog}
      <ProblemAlert error={error} />
    </>
  );
}
