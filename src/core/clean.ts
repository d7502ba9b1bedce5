import type { JsonObject } from './types';

/**
 * Cleans a properties or traits argument into a plain JSON object, so it survives
 * IndexedDB and the wire. `toJSON` is used where a value has one (Dates, URLs);
 * functions, symbols, `undefined`, DOM nodes and repeated or circular references
 * are dropped; BigInt becomes a string and a non-finite number null. Anything but
 * an object becomes `{}`. Each change is pushed to `issues` as `path (what)`, so
 * the caller can say exactly what was lost.
 */
export function cleanObject(value: unknown, path: string, issues: string[]): JsonObject {
  if (value == null) return {};
  // JSON.stringify walks the value once, and shows the replacer each holder before
  // its children: that is how every value's path is known.
  const paths = new Map<unknown, string>();
  const json = isRecord(value)
    ? JSON.stringify(value, function (this: unknown, key: string, item: unknown) {
        const at = paths.has(this) ? paths.get(this) + (Array.isArray(this) ? `[${key}]` : `.${key}`) : path;
        const change = (what: string, result?: unknown) => (issues.push(`${at} (${what})`), result);
        const type = typeof item;
        if (type === 'bigint') return change('bigint → string', String(item));
        if (type === 'number' && !isFinite(item as number)) return change(`${item} → null`, null);
        if (type === 'function' || type === 'symbol') return change(`${type} dropped`);
        if (item && type === 'object') {
          if (typeof Node !== 'undefined' && item instanceof Node) return change('DOM node dropped');
          if (paths.has(item)) return change('repeat or cycle dropped');
          paths.set(item, at);
        }
        return item;
      })
    : undefined;
  const out: unknown = json && JSON.parse(json);
  if (isRecord(out)) return out as JsonObject;
  issues.push(`${path} (not an object, ignored)`);
  return {};
}

const isRecord = (value: unknown) => !!value && typeof value === 'object' && !Array.isArray(value);

/** The size of a string in UTF-8 bytes, the unit the 32 KB event limit is in. */
export const utf8Length = (text: string): number => new TextEncoder().encode(text).length;
