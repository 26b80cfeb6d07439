import { useState } from 'preact/hooks';
import type { Employee } from '../types';

/** "Carol Nguyen (Engineering)": how a picker names an employee, so that two namesakes differ. */
export function employeeLabel(employee: Employee): string {
  return `${employee.name} (${employee.department})`;
}

/**
 * Picks an employee record from a list a search box narrows (name, department or email), as the
 * pay form does. `value` '' is "none"; the chosen record stays listed whatever the search.
 */
export function EmployeePicker({
  employees,
  value,
  onChange,
  label = 'Employee record',
  noneLabel = 'None',
}: {
  employees: Employee[];
  value: string;
  onChange(id: string): void;
  label?: string;
  noneLabel?: string;
}) {
  const [search, setSearch] = useState('');
  const needle = search.trim().toLowerCase();
  const listed = employees.filter(
    (employee) =>
      needle === '' ||
      employee.id === value ||
      `${employee.name} ${employee.department} ${employee.email}`.toLowerCase().includes(needle),
  );
  return (
    <>
      <label>
        Search employees{' '}
        <input
          type="search"
          value={search}
          placeholder="name, department or email"
          onInput={(event) => setSearch(event.currentTarget.value)}
        />
      </label>
      <label>
        {label}
        <select value={value} onChange={(event) => onChange(event.currentTarget.value)}>
          <option value="">{listed.length === 0 ? 'No one matches' : `${noneLabel} (${listed.length} listed)`}</option>
          {listed.map((employee) => (
            <option key={employee.id} value={employee.id}>
              {employeeLabel(employee)}
            </option>
          ))}
        </select>
      </label>
    </>
  );
}
