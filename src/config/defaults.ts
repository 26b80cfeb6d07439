/**
 * A module's built-in defaults, checked when the module loads: every number in them must be a
 * positive safe integer (milliseconds, seconds, counts, sizes), so a slip in a defaults file
 * fails every start and every test at once instead of one code path later. Returns them frozen.
 * The settings a deployment may change are config.ts's (environment); these are the rest.
 */
export function checkedDefaults<T extends object>(module: string, defaults: T): T {
  const visit = (value: unknown, path: string): void => {
    if (typeof value === 'number') {
      if (!Number.isSafeInteger(value) || value <= 0)
        throw new Error(`${module} defaults: ${path} is ${value}, not a positive integer`);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) visit(inner, path === '' ? key : `${path}.${key}`);
      Object.freeze(value);
    }
  };
  visit(defaults, '');
  return defaults;
}
