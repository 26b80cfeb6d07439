import { useState } from 'preact/hooks';
import { useApi } from '../api';
import { fieldProblem } from '../components/field-errors';
import { ProblemAlert } from '../components/problem';
import { parseAmountToCents } from '../format';
import type { Employee } from '../types';

type Status = Employee['status'];
interface Draft {
  name: string;
  email: string;
  department: string;
  title: string;
  salary: string;
  currency: string;
  bank_account: string;
  hired_on: string;
  status: Status;
}

const FIELDS: ReadonlyArray<[keyof Draft, string, Record<string, unknown>]> = [
  ['name', 'Name', { required: true, maxLength: 200, autocomplete: 'off' }],
  ['email', 'Email', { required: true, type: 'email', maxLength: 254, autocomplete: 'off' }],
  ['department', 'Department', { required: true, maxLength: 200 }],
  ['title', 'Title', { required: true, maxLength: 200 }],
  ['salary', 'Yearly salary', { required: true, inputMode: 'decimal' }],
  ['currency', 'Currency', { required: true, maxLength: 3, size: 4 }],
  ['bank_account', 'Bank account (IBAN)', { required: true, minLength: 15, maxLength: 42, spellcheck: false }],
  ['hired_on', 'Hired on', { required: true, type: 'date' }],
];

/** The API field a draft field is sent as (the salary in minor units). */
const API_FIELD: Record<keyof Draft, string> = {
  name: 'name',
  email: 'email',
  department: 'department',
  title: 'title',
  salary: 'salary_cents',
  currency: 'currency',
  bank_account: 'bank_account',
  hired_on: 'hired_on',
  status: 'status',
};

function draftOf(employee: Employee | undefined): Draft {
  if (employee === undefined)
    return {
      name: '',
      email: '',
      department: '',
      title: '',
      salary: '',
      currency: 'EUR',
      bank_account: '',
      hired_on: '',
      status: 'active',
    };
  return {
    name: employee.name,
    email: employee.email,
    department: employee.department,
    title: employee.title,
    salary: (employee.salary_cents / 100).toFixed(2),
    currency: employee.currency,
    bank_account: employee.bank_account,
    hired_on: employee.hired_on,
    status: employee.status,
  };
}

/**
 * Adds an employee (POST) or edits one (PATCH with only the changed fields). Every field the
 * API takes; the browser checks what it can, and a refusal's message (the server's own) is
 * shown beside the field it names.
 */
export function EmployeeForm({
  employee,
  onSaved,
  onCancel,
}: {
  employee?: Employee;
  onSaved(saved: Employee): void;
  onCancel?(): void;
}) {
  const { request } = useApi();
  const initial = draftOf(employee);
  const [draft, setDraft] = useState<Draft>(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [salaryInvalid, setSalaryInvalid] = useState(false);
  const adding = employee === undefined;
  const label = adding ? 'Add an employee' : `Edit ${employee.name}`;

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    const salary_cents = parseAmountToCents(draft.salary);
    setSalaryInvalid(salary_cents === undefined);
    if (salary_cents === undefined) return;
    const all: Record<string, unknown> = {
      name: draft.name,
      email: draft.email,
      department: draft.department,
      title: draft.title,
      salary_cents,
      currency: draft.currency.trim().toUpperCase(),
      bank_account: draft.bank_account,
      hired_on: draft.hired_on,
      status: draft.status,
    };
    const before: Record<string, unknown> = adding ? {} : { ...employee, salary_cents: employee.salary_cents };
    const body = adding
      ? all
      : Object.fromEntries(Object.entries(all).filter(([name, value]) => before[name] !== value));
    if (Object.keys(body).length === 0) {
      onSaved(employee as Employee);
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const saved = adding
        ? await request<Employee>('POST', '/api/employees', { body })
        : await request<Employee>('PATCH', `/api/employees/${encodeURIComponent(employee.id)}`, { body });
      if (adding) setDraft(draftOf(undefined));
      onSaved(saved);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  const problem = fieldProblem(error);
  const messageFor = (field: keyof Draft) =>
    field === 'salary' && salaryInvalid
      ? 'Enter the yearly salary, e.g. 65000.00.'
      : problem !== undefined && problem.field === API_FIELD[field]
        ? problem.message
        : undefined;
  const idPrefix = adding ? 'new-employee' : `employee-${employee.id}`;
  return (
    <form class="employee-form" aria-label={label} onSubmit={submit} noValidate={false}>
      <h2>{label}</h2>
      {FIELDS.map(([field, text, attributes]) => {
        const message = messageFor(field);
        const id = `${idPrefix}-${field}`;
        return (
          <div key={field} class="field">
            <label for={id}>{text}</label>
            <input
              id={id}
              {...attributes}
              value={draft[field]}
              aria-invalid={message !== undefined ? 'true' : undefined}
              aria-describedby={message !== undefined ? `${id}-error` : undefined}
              onInput={(event) => setDraft({ ...draft, [field]: event.currentTarget.value })}
            />
            {message !== undefined && (
              <span id={`${id}-error`} class="field-error" role="alert">
                {message}
              </span>
            )}
          </div>
        );
      })}
      <label>
        Status
        <select
          value={draft.status}
          onChange={(event) => setDraft({ ...draft, status: event.currentTarget.value as Status })}
        >
          <option value="active">active</option>
          <option value="on_leave">on leave</option>
          <option value="terminated">terminated</option>
        </select>
      </label>
      <div class="actions">
        <button type="submit" disabled={busy}>
          {adding ? 'Add employee' : 'Save changes'}
        </button>
        {onCancel !== undefined && (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
      {problem === undefined && <ProblemAlert error={error} />}
    </form>
  );
}
