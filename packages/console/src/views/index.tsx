import type { BulwarkUser } from '@bulwark/client';
import { mayView } from '../access';
import { lazyView } from '../components/lazy';

// Each view is its own chunk, loaded on first visit: the first load is the shell and sign-in only.
const PaymentsView = lazyView(() => import('./payments').then((m) => m.PaymentsView));
const EmployeesView = lazyView(() => import('./employees').then((m) => m.EmployeesView));
const SessionsView = lazyView(() => import('./sessions').then((m) => m.SessionsView));
const SecurityView = lazyView(() => import('./security').then((m) => m.SecurityView));
const UsersView = lazyView(() => import('./users').then((m) => m.UsersView));
const ApisView = lazyView(() => import('./apis').then((m) => m.ApisView));
const RolesView = lazyView(() => import('./roles').then((m) => m.RolesView));
const KeysView = lazyView(() => import('./keys').then((m) => m.KeysView));
const AuditView = lazyView(() => import('./audit').then((m) => m.AuditView));
const VerifyEmailView = lazyView(() => import('./verify-email').then((m) => m.VerifyEmailView));

/**
 * The view of a console path; an admin view only for a holder of its permission at Bulwark's API
 * (access.ts; the API refuses the others anyway).
 */
export function ViewFor({ path, user }: { path: string; user: BulwarkUser }) {
  switch (path) {
    case '/payments':
      return <PaymentsView />;
    case '/employees':
      return <EmployeesView />;
    case '/sessions':
      return <SessionsView />;
    case '/security':
      return <SecurityView />;
    case '/verify-email':
      return <VerifyEmailView />;
    case '/users':
      return mayView(user, '/users') ? <UsersView /> : <AdminsOnly />;
    case '/apis':
      return mayView(user, '/apis') ? <ApisView /> : <AdminsOnly />;
    case '/roles':
      return mayView(user, '/roles') ? <RolesView /> : <AdminsOnly />;
    case '/keys':
      return mayView(user, '/keys') ? <KeysView /> : <AdminsOnly />;
    case '/audit':
      return mayView(user, '/audit') ? <AuditView /> : <AdminsOnly />;
    default:
      return null;
  }
}

function AdminsOnly() {
  return (
    <p class="notice" role="status">
      This page is for administrators.
    </p>
  );
}
