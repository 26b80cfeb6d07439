import type { BulwarkUser } from '@bulwark/client';
import { mayView, type VIEW_PERMISSIONS } from '../access';
import { navigate, type ViewPath } from '../router';

const EVERYONE: ReadonlyArray<[ViewPath, string]> = [
  ['/payments', 'Payments'],
  ['/employees', 'Employees'],
  ['/sessions', 'Sessions'],
  ['/security', 'Security'],
];
const ADMINS: ReadonlyArray<[keyof typeof VIEW_PERMISSIONS, string]> = [
  ['/users', 'Users'],
  ['/apis', 'APIs'],
  ['/roles', 'Roles'],
  ['/keys', 'Keys'],
  ['/audit', 'Audit log'],
];

/** Everyone's views, and each admin view whose permission the user holds at Bulwark's API. */
export function linksFor(user: BulwarkUser): ReadonlyArray<[ViewPath, string]> {
  return [...EVERYONE, ...ADMINS.filter(([to]) => mayView(user, to))];
}

/** Real links (they open in a new tab too); a plain click stays in the page. */
export function follow(event: MouseEvent, to: string): void {
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(to);
}

interface TopBarProps {
  user: BulwarkUser;
  path: string;
  onSignOut(): void;
  signingOut: boolean;
}

export function TopBar({ user, path, onSignOut, signingOut }: TopBarProps) {
  return (
    <header class="top-bar">
      <span class="brand">Bulwark</span>
      <nav aria-label="Main">
        <ul>
          {linksFor(user).map(([to, label]) => (
            <li key={to}>
              <a href={to} aria-current={path === to ? 'page' : undefined} onClick={(event) => follow(event, to)}>
                {label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <span class="who">
        <span class="username">{user.username}</span>
        <span class="role">{user.role}</span>
      </span>
      <button type="button" onClick={onSignOut} disabled={signingOut}>
        Sign out
      </button>
    </header>
  );
}
