import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

/** What a confirmation says: the action in words (who, how much), and the button that does it. */
export interface ConfirmRequest {
  title: string;
  body: ComponentChildren;
  /** The confirming button's name, e.g. "Pay" or "Reverse payment". */
  action: string;
  /** Asks for a required reason (a reversal's), returned with the answer. */
  reasonLabel?: string;
}

export type ConfirmAnswer = { confirmed: false } | { confirmed: true; reason: string };

/**
 * One modal confirmation at a time: `ask` opens a native <dialog> (focus moves into it, Escape
 * cancels, the page behind is inert) and resolves with the reader's answer.
 */
export function useConfirm(): [ComponentChildren, (request: ConfirmRequest) => Promise<ConfirmAnswer>] {
  const [pending, setPending] = useState<{ request: ConfirmRequest; resolve(answer: ConfirmAnswer): void } | undefined>(
    undefined,
  );
  const ask = (request: ConfirmRequest) => new Promise<ConfirmAnswer>((resolve) => setPending({ request, resolve }));
  const close = (answer: ConfirmAnswer) => {
    pending?.resolve(answer);
    setPending(undefined);
  };
  const dialog =
    pending === undefined ? null : (
      <ConfirmDialog key={pending.request.title} request={pending.request} onAnswer={close} />
    );
  return [dialog, ask];
}

function ConfirmDialog({ request, onAnswer }: { request: ConfirmRequest; onAnswer(answer: ConfirmAnswer): void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState('');
  useEffect(() => {
    const dialog = ref.current;
    if (dialog !== null && !dialog.open) dialog.showModal();
  }, []);
  const submit = (event: Event) => {
    event.preventDefault();
    if (request.reasonLabel !== undefined && reason.trim() === '') return;
    onAnswer({ confirmed: true, reason: reason.trim() });
  };
  return (
    <dialog
      ref={ref}
      class="confirm"
      aria-labelledby="confirm-title"
      onCancel={(event) => {
        event.preventDefault();
        onAnswer({ confirmed: false });
      }}
    >
      <form method="dialog" onSubmit={submit}>
        <h2 id="confirm-title">{request.title}</h2>
        <div class="confirm-body">{request.body}</div>
        {request.reasonLabel !== undefined && (
          <label>
            {request.reasonLabel}
            <textarea
              required
              maxLength={500}
              rows={2}
              value={reason}
              onInput={(event) => setReason(event.currentTarget.value)}
            />
          </label>
        )}
        <div class="actions">
          <button type="submit" class="primary">
            {request.action}
          </button>
          <button type="button" onClick={() => onAnswer({ confirmed: false })}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}
