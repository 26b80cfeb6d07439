/** pg returns bigint (int8) columns and count(*) as strings; SQLite returns numbers. */
export function ms(value: number | string | bigint): number {
  return Number(value);
}

export function msOrNull(value: number | string | bigint | null): number | null {
  return value === null ? null : Number(value);
}

/** SQLite `SQLITE_CONSTRAINT_UNIQUE`/`_PRIMARYKEY`, Postgres `23505`. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  const { code } = error;
  return (
    code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}
