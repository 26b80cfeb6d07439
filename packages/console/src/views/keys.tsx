import { useState } from 'preact/hooks';
import { useApi } from '../api';
import { Notice, ProblemAlert } from '../components/problem';
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

  const rotate = async (now: boolean) => {
    if (busy) return;
    setBusy(true);
    setError(undefined);
    setNotice(undefined);
    try {
      const key = await request<SigningKey>('POST', '/api/keys/rotate', { body: now ? { now: true } : {} });
      setNotice(now ? `Key ${key.kid} signs from now on.` : `Key ${key.kid} is published and signs from ${dateTime(key.signs_from)}.`);
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
        <button type="button" onClick={() => void rotate(false)} disabled={busy}>Rotate</button>
        <button type="button" onClick={() => void rotate(true)} disabled={busy}>Rotate now</button>
      </div>
      <Notice text={notice} />
      <ProblemAlert error={list.error ?? error} />
      <table class="list" aria-label="Keys">
        <thead>
          <tr><th>Key id</th><th>Algorithm</th><th>State</th><th>Created</th><th>Signs from</th><th>Activated</th><th>Retired</th><th>Removed</th></tr>
        </thead>
        <tbody>
          {list.items.map((key) => (
            <tr key={key.kid}>
              <td class="mono">{key.kid}</td>
              <td>{key.alg}</td>
              <td>{key.state}</td>
              <td>{dateTime(key.created_at)}</td>
              <td>{dateTime(key.signs_from)}</td>
              <td>{dateTime(key.activated_at)}</td>
              <td>{dateTime(key.retired_at)}</td>
              <td>{dateTime(key.removed_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
