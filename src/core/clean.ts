import type { Json, JsonObject } from './types';

/** What {@link cleanJson} had to drop or change, by path, e.g. `properties.price (bigint → string)`. */
export type CleanIssues = string[];

const MAX_DEPTH = 20;

/**
 * Turns any value into plain JSON so it survives IndexedDB and the wire: drops
 * functions, symbols, `undefined`, DOM nodes and cycles; turns BigInt into a
 * string, Dates into ISO strings and non-finite numbers into null. Each change is
 * recorded in `issues` with its path, so the caller can say exactly what was lost.
 */
export function cleanJson(value: unknown, path: string, issues: CleanIssues, seen: unknown[] = []): Json | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (Number.isFinite(value)) return value;
      issues.push(`${path} (${value} → null)`);
      return null;
    case 'bigint':
      issues.push(`${path} (bigint → string)`);
      return value.toString();
    case 'object':
      break;
    default:
      issues.push(`${path} (${typeof value} dropped)`);
      return undefined;
  }
  if (value === null) return null;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    // Dates, URLs and the like say themselves how they serialise.
    try {
      return cleanJson((value as { toJSON(): unknown }).toJSON(), path, issues, seen);
    } catch {
      issues.push(`${path} (toJSON threw, dropped)`);
      return undefined;
    }
  }
  if (typeof Node !== 'undefined' && value instanceof Node) {
    issues.push(`${path} (DOM node dropped)`);
    return undefined;
  }
  if (seen.includes(value)) {
    issues.push(`${path} (circular reference dropped)`);
    return undefined;
  }
  if (seen.length >= MAX_DEPTH) {
    issues.push(`${path} (nested deeper than ${MAX_DEPTH} levels, dropped)`);
    return undefined;
  }
  seen.push(value);
  let out: Json;
  if (Array.isArray(value)) {
    out = value.map((item, i) => cleanJson(item, `${path}[${i}]`, issues, seen) ?? null);
  } else {
    const object: JsonObject = {};
    for (const key of Object.keys(value)) {
      const cleaned = cleanJson((value as Record<string, unknown>)[key], `${path}.${key}`, issues, seen);
      if (cleaned !== undefined) object[key] = cleaned;
    }
    out = object;
  }
  seen.pop();
  return out;
}

/** Cleans a properties or traits argument: anything that is not a plain object becomes `{}` and is reported. */
export function cleanObject(value: unknown, path: string, issues: CleanIssues): JsonObject {
  if (value == null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    issues.push(`${path} (expected an object, got ${Array.isArray(value) ? 'array' : typeof value})`);
    return {};
  }
  return cleanJson(value, path, issues) as JsonObject;
}

/** The size of a string in UTF-8 bytes, the unit the 32 KB event limit is in. */
export const utf8Length = (text: string): number => new TextEncoder().encode(text).length;
