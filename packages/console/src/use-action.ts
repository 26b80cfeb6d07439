import { useState } from 'preact/hooks';

/** The state of a view's one-at-a-time actions: busy while one runs, its notice or its error after. */
export interface ActionState {
  busy: boolean;
  error: unknown;
  notice: string | undefined;
  /** Runs `work` unless one is running; its answer becomes the notice, then `after` runs (a list reload). */
  act(work: () => Promise<string>): Promise<void>;
}

export function useAction(after: () => void): ActionState {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const act = async (work: () => Promise<string>) => {
    if (busy) return;
    setBusy(true);
    setError(undefined);
    setNotice(undefined);
    try {
      setNotice(await work());
      after();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, notice, act };
}
