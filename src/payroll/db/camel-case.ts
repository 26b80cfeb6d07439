/** `salary_cents` → `salaryCents`, at the type level. */
type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : S;

/** A row type with camelCase keys: the records the services use, derived from the stored rows. */
export type CamelCased<Row> = { [K in keyof Row & string as CamelCase<K>]: Row[K] };
