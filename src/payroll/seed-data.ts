import type { EmployeeFields } from './employees/employees-repo.js';
import { makeIban } from './domain/iban.js';

/** The demo company: ten people across five departments, IBANs built with real check digits. */
export type DemoEmployee = EmployeeFields & {
  /** The demo user linked to this record, if any. */
  user?: string;
  /** Last period paid (a leave or termination stops the salary after it). */
  paidUntil?: string;
};

export const DEMO_EMPLOYEES: readonly DemoEmployee[] = [
  {
    name: 'Hiro Tanaka',
    email: 'hiro.tanaka@example.com',
    department: 'Engineering',
    title: 'Engineering Manager',
    salaryCents: 11_000_000,
    currency: 'EUR',
    bankAccount: makeIban('DE', '370400440532013000'),
    hiredOn: '2019-04-01',
    status: 'active',
  },
  {
    name: 'Emma Schulz',
    email: 'emma.schulz@example.com',
    department: 'Finance',
    title: 'Payroll Accountant',
    salaryCents: 5_800_000,
    currency: 'EUR',
    bankAccount: makeIban('DE', '500105175407324931'),
    hiredOn: '2020-01-15',
    status: 'active',
  },
  {
    name: 'Daniel Okafor',
    email: 'daniel.okafor@example.com',
    department: 'Engineering',
    title: 'Staff Engineer',
    salaryCents: 9_500_000,
    currency: 'EUR',
    bankAccount: makeIban('NL', 'ABNA0417164300'),
    hiredOn: '2020-09-01',
    status: 'active',
  },
  {
    name: 'Jonas Weber',
    email: 'jonas.weber@example.com',
    department: 'Sales',
    title: 'Sales Director',
    salaryCents: 16_000_000,
    currency: 'CHF',
    bankAccount: makeIban('CH', '00762011623852957'),
    hiredOn: '2021-02-01',
    status: 'active',
  },
  {
    name: 'Karin Novak',
    email: 'karin.novak@example.com',
    department: 'Finance',
    title: 'Controller',
    salaryCents: 7_200_000,
    currency: 'EUR',
    bankAccount: makeIban('AT', '1904300234573201'),
    hiredOn: '2021-06-14',
    status: 'on_leave',
    paidUntil: '2026-09',
  },
  {
    user: 'carol',
    name: 'Carol Nguyen',
    email: 'carol.nguyen@example.com',
    department: 'Engineering',
    title: 'Software Engineer',
    salaryCents: 6_800_000,
    currency: 'EUR',
    bankAccount: makeIban('DE', '120300000012345678'),
    hiredOn: '2022-03-01',
    status: 'active',
  },
  {
    name: 'Farid Haddad',
    email: 'farid.haddad@example.com',
    department: 'Sales',
    title: 'Account Executive',
    salaryCents: 6_200_000,
    currency: 'EUR',
    bankAccount: makeIban('FR', '20041010050500013M02606'),
    hiredOn: '2022-10-03',
    status: 'active',
  },
  {
    name: 'Grace Lindqvist',
    email: 'grace.lindqvist@example.com',
    department: 'People',
    title: 'HR Business Partner',
    salaryCents: 6_400_000,
    currency: 'EUR',
    bankAccount: makeIban('SE', '50000000058398257466'),
    hiredOn: '2023-05-02',
    status: 'active',
  },
  {
    name: "Liam O'Brien",
    email: 'liam.obrien@example.com',
    department: 'Operations',
    title: 'Logistics Coordinator',
    salaryCents: 4_100_000,
    currency: 'GBP',
    bankAccount: makeIban('GB', 'NWBK60161331926819'),
    hiredOn: '2023-11-20',
    status: 'terminated',
    paidUntil: '2026-09',
  },
  {
    name: 'Isabel Ferreira',
    email: 'isabel.ferreira@example.com',
    department: 'Operations',
    title: 'Office Manager',
    salaryCents: 4_500_000,
    currency: 'EUR',
    bankAccount: makeIban('PT', '000201231234567890154'),
    hiredOn: '2024-07-08',
    status: 'active',
  },
];

/** Three months of salary runs. */
export const DEMO_PERIODS: readonly string[] = ['2026-08', '2026-09', '2026-10'];

/** Who was paid twice by mistake (and in which period): the seed reverses the duplicate. */
export const DEMO_DUPLICATE = { email: 'farid.haddad@example.com', period: '2026-09' } as const;
