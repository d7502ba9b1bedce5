/**
 * Records keyed by names that come from the page (event names, categories, trait
 * keys) must treat `toString`, `constructor` or `__proto__` as names like any other,
 * and never read what a page added to `Object.prototype`.
 */

/** Whether `key` is `table`'s own property. */
export const hasOwn = (table: object, key: string): boolean => Object.prototype.hasOwnProperty.call(table, key);

/** `table[key]` if it is the table's own, else undefined (never an inherited `toString`). */
export const own = <T>(table: Record<string, T>, key: string): T | undefined => (hasOwn(table, key) ? table[key] : undefined);

/** Sets `table[key]` as an own property; a plain assignment to `__proto__` would change the prototype instead. */
export function put<T>(table: Record<string, T>, key: string, value: T): T {
  Object.defineProperty(table, key, { value, writable: true, enumerable: true, configurable: true });
  return value;
}

/** Copies `source`'s own enumerable fields onto `target` with {@link put}, like a safe `Object.assign`. */
export function assignOwn(target: Record<string, unknown>, source: object): void {
  for (const key of Object.keys(source)) put(target, key, (source as Record<string, unknown>)[key]);
}
