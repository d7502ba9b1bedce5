/** JSON text that a host page cannot bend. Pure: no DOM. */

/**
 * A JSON.stringify replacer: arrays and plain objects are written as they are,
 * never through a `toJSON` a page added to their prototype (Prototype.js's
 * Array#toJSON turns every array into a string of JSON). `this[key]` is the value
 * before JSON.stringify applied `toJSON`.
 */
export function plain(this: any, key: string, item: unknown): unknown {
  const raw = this[key];
  if (raw !== item && raw && typeof raw === 'object') {
    const proto = Object.getPrototypeOf(raw);
    if (Array.isArray(raw) || proto === Object.prototype || proto === null) return raw;
  }
  return item;
}

/**
 * JSON text of a value Attune built (an event, a batch, the profile), immune to a
 * page's `toJSON` on `Array.prototype` or `Object.prototype`.
 */
export const toJson = (value: unknown): string => JSON.stringify(value, plain);

/** A deep copy of plain JSON data, as {@link toJson} writes it. */
export const copyJson = <T>(value: T): T => JSON.parse(toJson(value));

