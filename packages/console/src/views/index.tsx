import type { BulwarkUser } from '@bulwark/client';
import { AuditView } from './audit';
import { EmployeesView } from './employees';
import { KeysView } from './keys';
import { PaymentsView } from './payments';
import { SecurityView } from './security';
import { SessionsView } from './sessions';
import { UsersView } from './users';
import { VerifyEmailView } from './verify-email';

/** The view of a console path; admin views only for admins (the API refuses the others anyway). */
export function ViewFor({ path, user }: { path: string; user: BulwarkUser }) {
  const admin = user.role === 'admin';
  switch (path) {
    case '/payments': return <PaymentsView />;
    case '/employees': return <EmployeesView />;
    case '/sessions': return <SessionsView />;
    case '/security': return <SecurityView />;
    case '/verify-email': return <VerifyEmailView />;
    case '/users': return admin ? <UsersView /> : <AdminsOnly />;
    case '/keys': return admin ? <KeysView /> : <AdminsOnly />;
    case '/audit': return admin ? <AuditView /> : <AdminsOnly />;
    default: return null;
  }
}

function AdminsOnly() {
  return <p class="notice" role="status">This page is for administrators.</p>;
}
