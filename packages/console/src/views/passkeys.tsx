import { useCallback, useEffect, useState } from 'preact/hooks';
import type { BulwarkPasskey } from '@bulwark/client';
import { useApi } from '../api';
import { PasskeyProblem } from '../components/passkey-problem';
import { Notice } from '../components/problem';
import { dateTime } from '../format';

/**
 * The signed-in user's passkeys (Security page): add one under a name (the browser creates it),
 * see each with when it was last used, rename or remove one. A passkey signs in alone, multi-factor.
 */
export function PasskeysSection() {
  const { passkeys } = useApi();
  const [items, setItems] = useState<BulwarkPasskey[] | undefined>(undefined);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const [renaming, setRenaming] = useState<{ id: string; name: string } | undefined>(undefined);

  const load = useCallback(async () => {
    try {
      setItems(await passkeys.list());
    } catch (failure) {
      setError(failure);
    }
  }, [passkeys]);
  useEffect(() => void load(), [load]);

  const run = async (work: () => Promise<string>) => {
    if (busy) return;
    setBusy(true);
    setError(undefined);
    setNotice(undefined);
    try {
      setNotice(await work());
      await load();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const add = (event: Event) => {
    event.preventDefault();
    void run(async () => {
      const added = await passkeys.register(name.trim());
      setName('');
      return `Passkey "${added.name}" added. You can sign in with it, without a password.`;
    });
  };
  const rename = (event: Event) => {
    event.preventDefault();
    if (renaming === undefined) return;
    void run(async () => {
      const renamed = await passkeys.rename(renaming.id, renaming.name.trim());
      setRenaming(undefined);
      return `Passkey renamed to "${renamed.name}".`;
    });
  };
  const remove = (passkey: BulwarkPasskey) =>
    void run(async () => {
      await passkeys.remove(passkey.id);
      return `Passkey "${passkey.name}" removed.`;
    });

  return (
    <section aria-labelledby="passkeys-heading">
      <h2 id="passkeys-heading">Passkeys</h2>
      <Notice text={notice} />
      {items !== undefined && items.length === 0 && <p class="hint">No passkeys yet.</p>}
      {items !== undefined && items.length > 0 && (
        <ul class="passkeys" aria-label="Your passkeys">
          {items.map((passkey) => (
            <li key={passkey.id}>
              {renaming?.id === passkey.id ? (
                <form class="passkey-rename" aria-label={`Rename passkey ${passkey.name}`} onSubmit={rename}>
                  <label>
                    New name
                    <input
                      required
                      maxLength={64}
                      autoFocus
                      value={renaming.name}
                      onInput={(event) => setRenaming({ id: passkey.id, name: event.currentTarget.value })}
                    />
                  </label>
                  <button type="submit" disabled={busy}>
                    Save name
                  </button>
                  <button type="button" class="link" onClick={() => setRenaming(undefined)}>
                    Cancel
                  </button>
                </form>
              ) : (
                <strong>{passkey.name}</strong>
              )}{' '}
              <span class="hint">
                added {dateTime(passkey.created_at)},{' '}
                {passkey.last_used_at === null ? 'not used yet' : `last used ${dateTime(passkey.last_used_at)}`}
                {passkey.device_type === 'multi_device' ? ', synced' : ''}
              </span>
              {renaming?.id !== passkey.id && (
                <>
                  {' '}
                  <button
                    type="button"
                    disabled={busy}
                    aria-label={`Rename passkey ${passkey.name}`}
                    onClick={() => setRenaming({ id: passkey.id, name: passkey.name })}
                  >
                    Rename
                  </button>
                </>
              )}{' '}
              <button
                type="button"
                disabled={busy}
                aria-label={`Remove passkey ${passkey.name}`}
                onClick={() => remove(passkey)}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <form class="passkey-add" aria-label="Add a passkey" onSubmit={add}>
        <label>
          Passkey name
          <input
            required
            maxLength={64}
            value={name}
            placeholder="e.g. Laptop"
            onInput={(event) => setName(event.currentTarget.value)}
          />
        </label>
        <button type="submit" disabled={busy}>
          Add a passkey
        </button>
      </form>
      <PasskeyProblem error={error} />
    </section>
  );
}
