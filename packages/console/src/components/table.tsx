import type { ComponentChildren } from 'preact';

/**
 * A list table in a scroll container (keyboard-focusable, so a wide table scrolls without a
 * mouse); below 40rem the stylesheet stacks each row into a card, each cell labelled by its
 * `data-label` (so give every <td> the column's name).
 */
export function ListTable({ label, head, children }: { label: string; head: string[]; children: ComponentChildren }) {
  return (
    <div class="table-wrap" role="region" aria-label={`${label} (scrollable)`} tabIndex={0}>
      <table class="list" aria-label={label}>
        <thead>
          <tr>
            {head.map((name) => (
              <th key={name} scope="col">
                {name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** What an empty list says, and what to do about it. */
export function Empty({ children }: { children: ComponentChildren }) {
  return (
    <p class="empty" role="status">
      {children}
    </p>
  );
}
