import { MAX_DEPTH } from './limits';
import type { JsonObject } from './types';
import { plain } from './json';

const isRecord = (value: unknown) => !!value && typeof value === 'object' && !Array.isArray(value);

/**
 * Cleans a properties or traits argument into a plain JSON object, so it survives
 * IndexedDB and the wire. `toJSON` is used where a value has one (Dates, URLs) but
 * not on arrays and plain objects; functions, symbols, `undefined`, DOM nodes,
 * repeated or circular references, and anything nested deeper than
 * {@link MAX_DEPTH} levels in the event are dropped; BigInt becomes a string and a
 * non-finite number null. Anything but an object becomes `{}`. Each change is pushed
 * to `issues` as `path (what)`, so the caller can say exactly what was lost.
 */
export function cleanObject(value: unknown, path: string, issues: string[]): JsonObject {
  if (value == null) return {};
  // JSON.stringify walks the value once, and shows the replacer each holder before
  // its children: that is how every value's path and depth are known. The argument
  // itself sits at depth 1 of the event.
  const seen = new Map<unknown, [string, number]>();
  let deep = 0;
  const json = isRecord(value)
    ? JSON.stringify(value, function (this: unknown, key: string, item: unknown) {
        const holder = seen.get(this);
        const at = holder ? holder[0] + (Array.isArray(this) ? `[${key}]` : `.${key}`) : path;
        const depth = holder ? holder[1] + 1 : 1;
        const change = (what: string, result?: unknown) => (issues.push(`${at} (${what})`), result);
        item = plain.call(this, key, item);
        const type = typeof item;
        if (type === 'bigint') return change('bigint → string', String(item));
        if (type === 'number' && !isFinite(item as number)) return change(`${item} → null`, null);
        if (type === 'function' || type === 'symbol') return change(`${type} dropped`);
        if (item && type === 'object') {
          if (typeof Node !== 'undefined' && item instanceof Node) return change('DOM node dropped');
          if (seen.has(item)) return change('repeat or cycle dropped');
          // Reported once, where the tree first goes too deep; the rest is dropped silently.
          if (depth > MAX_DEPTH) return deep++ ? undefined : change(`nested deeper than ${MAX_DEPTH} levels, dropped`);
          seen.set(item, [at, depth]);
        }
        return item;
      })
    : undefined;
  const out: unknown = json && JSON.parse(json);
  if (isRecord(out)) return out as JsonObject;
  issues.push(`${path} (not an object, ignored)`);
  return {};
}

/** The size of a string in UTF-8 bytes, the unit the 32 KB event limit is in. */
export const utf8Length = (text: string): number => new TextEncoder().encode(text).length;
