import type { AttuneEvent } from '../core/types';
import type { KeyValueStore } from './database';

/** How long and how many events the log keeps; the oldest go first. */
export interface RetentionOptions {
  maxEvents: number;
  maxAgeMs: number;
}

/** The default retention: the newest 5,000 events, none older than 30 days. */
export const DEFAULT_RETENTION: RetentionOptions = { maxEvents: 5000, maxAgeMs: 30 * 864e5 };

/** The device's own event log, bounded by {@link RetentionOptions}. */
export interface EventLog {
  /** Reads what is stored and drops what retention no longer allows. */
  load(now: number): Promise<void>;
  /** Stores entries keyed by {@link eventKey}. */
  append(entries: [string, AttuneEvent][], now: number): Promise<void>;
  /** Every stored event, oldest first. */
  all(): Promise<AttuneEvent[]>;
  /** Forgets the keys it knows, after the database itself was deleted. */
  reset(): void;
}

// Keys sort by time as plain strings, in IndexedDB and in memory alike:
// milliseconds in base 36, zero-padded to a fixed width, then a sequence number
// (counted from 1e9, so always six digits) that keeps this page's events of one
// millisecond in the order they happened.
const timeKey = (ms: number) => ms.toString(36).padStart(9, '0');
let sequence = 0;

/** The key an event is stored under, in the log and in the outbox alike. */
export const eventKey = (event: AttuneEvent): string =>
  `${timeKey(Date.parse(event.timestamp))}.${(1e9 + sequence++).toString(36)}:${event.messageId}`;

/** Creates the event log on top of one key-value store. */
export function createEventLog(store: KeyValueStore, retention: RetentionOptions = DEFAULT_RETENTION): EventLog {
  // A sorted copy of the stored keys, so pruning never has to list the store again.
  let keys: string[] = [];
  // The listing of what earlier pages stored: the first decision does not wait for it (it
  // may list 5,000 keys), so appends made meanwhile prune once it is in.
  let listed: Promise<void> = Promise.resolve();

  const prune = (now: number) => {
    const cutoff = timeKey(now - retention.maxAgeMs);
    let drop = Math.max(0, keys.length - retention.maxEvents);
    while (drop < keys.length && keys[drop] < cutoff) drop++;
    return drop ? store.delMany(keys.splice(0, drop)) : Promise.resolve();
  };

  return {
    load: (now) =>
      (listed = store.keys().then((stored) => {
        // Keys appended while listing may be in the listing too.
        keys = [...new Set([...stored, ...keys])].sort();
        return prune(now);
      })),
    async append(entries, now) {
      // Started in this task, before anything is awaited (see the recorder's write).
      const written = store.setMany(entries);
      keys.push(...entries.map(([key]) => key));
      await written;
      await listed;
      // Nearly always already in order, which sorting notices in one pass.
      keys.sort();
      await prune(now);
    },
    all: () => store.head<AttuneEvent>().then((entries) => entries.map(([, event]) => event)),
    reset() {
      keys = [];
    },
  };
}
