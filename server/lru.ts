/**
 * A bounded map that forgets the least recently used entry: what every per-site cache
 * is, so that made-up `?site=` values cannot grow the collector's memory.
 */

/** A map of at most `max` entries; `get` and `set` make an entry the most recent. */
export interface Lru<K, V> {
  get(key: K): V | undefined;
  set(key: K, value: V): void;
  readonly size: number;
}

/** Creates an empty {@link Lru} holding at most `max` entries (at least 1). */
export function createLru<K, V>(max: number): Lru<K, V> {
  const limit = Math.max(1, Math.floor(max));
  // A Map iterates in insertion order, so re-inserting on use keeps the oldest first.
  const entries = new Map<K, V>();
  return {
    get(key) {
      const value = entries.get(key);
      if (value !== undefined) {
        entries.delete(key);
        entries.set(key, value);
      }
      return value;
    },
    set(key, value) {
      entries.delete(key);
      entries.set(key, value);
      if (entries.size > limit) entries.delete(entries.keys().next().value as K);
    },
    get size() {
      return entries.size;
    },
  };
}
