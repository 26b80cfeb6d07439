import { useState } from 'preact/hooks';
import { useApi } from '../api';
import { useConfirm } from '../components/confirm';
import { Notice, ProblemAlert } from '../components/problem';
import { ListTable } from '../components/table';
import { dateTime } from '../format';
import type { SigningKey } from '../types';
import { useList } from '../use-list';

/**
 * Signing keys (public facts only) and rotation. "Rotate" publishes a next key that starts
 * signing once every verifier can have fetched it; "Rotate now" switches at once, the previous
 * key retiring but still verifying.
 */
export function KeysView() {
  const { request } = useApi();
  const list = useList<SigningKey>('/api/keys');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const [dialog, confirm] = useConfirm();

  const rotate = async (now: boolean) => {
    if (busy) return;
    if (now) {
      const active = list.items.find((key) => key.state === 'active');
      const answer = await confirm({
        title: 'Rotate the signing key now?',
        body: (
          <p>
            A new key signs every token from this moment
            {active === undefined ? (
              ''
            ) : (
              <>
                ; the active key <span class="mono">{active.kid}</span> retires but still verifies
              </>
            )}
            . Verifiers that have not fetched the new key yet refuse the new tokens until they do.
          </p>
        ),
        action: 'Rotate now',
      });
      if (!answer.confirmed) return;
    }
    setBusy(true);
    setError(undefined);
    setNotice(undefined);
    try {
      const key = await request<SigningKey>('POST', '/api/keys/rotate', { body: now ? { now: true } : {} });
      setNotice(
        now
          ? `Key ${key.kid} signs from now on.`
          : `Key ${key.kid} is published and signs from ${dateTime(key.signs_from)}.`,
      );
      list.reload();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="keys-heading">
      <h1 id="keys-heading">Keys</h1>
      <div class="actions">
        <button type="button" onClick={() => void rotate(false)} disabled={busy}>
          Rotate
        </button>
        <button type="button" onClick={() => void rotate(true)} disabled={busy}>
          Rotate now
        </button>
      </div>
      <Notice text={notice} />
      <ProblemAlert error={list.error ?? error} />
      <ListTable
        label="Keys"
        head={['Key id', 'Algorithm', 'State', 'Created', 'Signs from', 'Activated', 'Retired', 'Removed']}
      >
        {list.items.map((key) => (
          <tr key={key.kid}>
            <td data-label="Key id" class="mono">
              {key.kid}
            </td>
            <td data-label="Algorithm">{key.alg}</td>
            <td data-label="State">{key.state}</td>
            <td data-label="Created">{dateTime(key.created_at)}</td>
            <td data-label="Signs from">{dateTime(key.signs_from)}</td>
            <td data-label="Activated">{dateTime(key.activated_at)}</td>
            <td data-label="Retired">{dateTime(key.retired_at)}</td>
            <td data-label="Removed">{dateTime(key.removed_at)}</td>
          </tr>
        ))}
      </ListTable>
      {dialog}
    </section>
  );
}
