import type { BulwarkUser, Grant } from './types.js';

/** What one tab tells the others: BroadcastChannel is same-origin, as is the cookie they share. */
export type TabMessage =
  ({ kind: 'signin'; user: BulwarkUser } & Grant) | ({ kind: 'refresh' } & Grant) | { kind: 'signout' };

/** The BroadcastChannel between the tabs of one app (a no-op where BroadcastChannel is missing). */
export interface TabChannel {
  post(message: TabMessage): void;
  /** Resolves on the next message from another tab, or after `ms`. */
  nextMessage(ms: number): Promise<void>;
  close(): void;
}

interface ChannelLike {
  onmessage: ((event: { data: unknown }) => void) | null;
  postMessage(message: unknown): void;
  close(): void;
  unref?(): void;
}

function isMessage(data: unknown): data is TabMessage {
  const m = data as Partial<{ kind: string; accessToken: unknown; expiresAt: unknown }> | null;
  if (m === null || typeof m !== 'object') return false;
  if (m.kind === 'signout') return true;
  return (
    (m.kind === 'signin' || m.kind === 'refresh') &&
    typeof m.accessToken === 'string' &&
    typeof m.expiresAt === 'number'
  );
}

/** Without BroadcastChannel (old runtimes) every method is a no-op: the client is then one tab. */
export function openTabChannel(name: string, onMessage: (message: TabMessage) => void): TabChannel {
  const Channel = (globalThis as unknown as { BroadcastChannel?: new (name: string) => ChannelLike }).BroadcastChannel;
  const channel = Channel ? new Channel(name) : undefined;
  // Node keeps the process alive for an open channel; a page does not need that either.
  channel?.unref?.();
  const waiters = new Set<() => void>();
  let open = true;
  if (channel) {
    channel.onmessage = ({ data }) => {
      if (!isMessage(data)) return;
      try {
        onMessage(data);
      } finally {
        for (const wake of waiters) wake();
      }
    };
  }
  return {
    post(message) {
      if (open) channel?.postMessage(message);
    },
    nextMessage(ms) {
      return new Promise((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, ms);
        waiters.add(wake);
      });
    },
    close() {
      open = false;
      for (const wake of waiters) wake();
      channel?.close();
    },
  };
}
