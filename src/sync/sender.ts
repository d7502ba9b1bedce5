import type { AttuneEvent } from '../core/types';
import type { KeyValueStore } from '../store/database';
import { batchPayload, countThatFits } from './payload';
import { isRetryable, parseRetryAfter, retryDelay } from './retry';
import { releaseLease, takeLease } from './lease';
import { newId } from '../core/id';

/** How events leave the device. Every field is optional. */
export interface SyncOptions {
  /** Segment-compatible write key: sent as Basic auth, and in the body of beacons. */
  writeKey?: string;
  /** Ships a batch anywhere; throw (or reject) to have it retried later. Replaces the HTTP call. */
  transport?: (batch: AttuneEvent[]) => Promise<void>;
  /** Events per request. Default 20. */
  batchSize?: number;
  /** Longest wait before a partial batch is sent, in ms. Default 5,000. */
  intervalMs?: number;
  /** Events the outbox keeps at most; the oldest beyond are dropped and reported. Default 10,000. */
  maxOutbox?: number;
}

/** What the sender needs from the instance. */
export interface SenderContext {
  site: string;
  endpoint?: string;
  outbox: KeyValueStore;
  fail: (code: string, path: string, problem: unknown) => void;
  /** Events recorded but not yet handed to `enqueue` (their write is still to come): beaconed at unload too. */
  pending?: () => AttuneEvent[];
}

const BEACON_BYTES = 60_000;

/** A failed request: `retry` says whether to try again, `afterMs` how long the server asks to wait. */
interface SendFailure {
  retry: boolean;
  afterMs?: number;
  reason: string;
}

/**
 * Ships the outbox: batches of up to `batchSize` events (and under 64 KB, so a
 * request can outlive the page), when a batch is full or after `intervalMs`. Only
 * one tab sends at a time (a Web Lock, or a lease in localStorage where Web Locks
 * are missing), and it sends every tab's events, since
 * they share the outbox; an event leaves the outbox only once the server took it.
 * Retries back off with jitter and honour Retry-After; a payload the server
 * refuses (other 4xx) is dropped and reported with the server's reason. Offline,
 * it waits for `online`. When the page is hidden it sends at once; when it is
 * unloaded, it beacons this tab's unsent events and keeps them: the next page
 * sends them again, and the backend drops the repeat by `messageId`. Events that
 * come after `pagehide` are beaconed as they come.
 */
export function createSender(context: SenderContext, options: SyncOptions = {}) {
  const { site, endpoint, outbox, fail } = context;
  const { writeKey, transport, batchSize = 20, intervalMs = 5000, maxOutbox = 10_000 } = options;
  const url = `${endpoint}/v1/batch?site=${encodeURIComponent(site)}`;
  const lockName = `attune-sync-${site}`;
  const tabId = newId();
  // This tab's events not yet confirmed sent, for the beacon at unload, when storage is too slow to read.
  const unsent = new Map<string, AttuneEvent>();
  let attempt = 0;
  let retryAt = 0;
  let busy = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timerAt = Infinity;

  const body = (events: AttuneEvent[]) => JSON.stringify(batchPayload(events, Date.now(), writeKey));

  const post = async (events: AttuneEvent[]): Promise<void | SendFailure> => {
    try {
      if (transport) return await transport(events);
      const headers: Record<string, string> = { 'Content-Type': 'application/json' };
      if (writeKey) headers.Authorization = `Basic ${btoa(writeKey + ':')}`;
      const json = body(events);
      const response = await fetch(url, { method: 'POST', body: json, headers, keepalive: json.length < BEACON_BYTES });
      if (response.ok) return;
      return {
        retry: isRetryable(response.status),
        afterMs: parseRetryAfter(response.headers.get('Retry-After'), Date.now()),
        reason: `${response.status} ${await response.text().catch(() => '')}`.trim(),
      };
    } catch (error) {
      return { retry: true, reason: String(error) };
    }
  };

  // Sends until the outbox is empty, a request fails, or the page goes offline.
  const drain = async () => {
    while (navigator.onLine !== false) {
      const entries = await outbox.head<AttuneEvent>(batchSize);
      if (!entries.length) return;
      const sent = entries.slice(0, countThatFits(entries.map(([, event]) => event), BEACON_BYTES));
      const failure = await post(sent.map(([, event]) => event));
      if (failure?.retry) {
        retryAt = Date.now() + retryDelay(++attempt, Math.random, failure.afterMs);
        return schedule(retryAt - Date.now());
      }
      if (failure) fail('rejected', 'sync', `${sent.length} events refused and dropped: ${failure.reason}`);
      attempt = 0;
      const keys = sent.map(([key]) => key);
      keys.forEach((key) => unsent.delete(key));
      await outbox.delMany(keys);
    }
  };

  /** Sends now, unless already sending, waiting to retry, or another tab is sending. */
  const flush = () => {
    if (!endpoint && !transport) return;
    const wait = busy ? intervalMs : retryAt - Date.now();
    if (wait > 0) return schedule(wait);
    busy = true;
    clearTimeout(timer);
    timerAt = Infinity;
    const run = () => drain().catch((error) => fail('internal', 'sync', error)).finally(() => (busy = false));
    // A tab holding the lock sends everything, these events included; look again later.
    const skip = () => ((busy = false), schedule(intervalMs));
    const locks = (navigator as Navigator & { locks?: LockManager }).locks;
    if (locks) return void locks.request(lockName, { ifAvailable: true }, (lock) => (lock ? run() : skip()));
    if (!takeLease(lockName, tabId)) return skip();
    run().finally(() => releaseLease(lockName, tabId));
  };

  // One timer, for the earliest moment anything asked to send: a retry is never
  // held back behind a later periodic flush.
  const schedule = (ms: number) => {
    if (Date.now() + ms >= timerAt) return;
    clearTimeout(timer);
    timerAt = Date.now() + ms;
    timer = setTimeout(() => {
      timerAt = Infinity;
      flush();
    }, ms);
  };

  const beacon = (events: AttuneEvent[]) => {
    if (transport || !endpoint || !navigator.sendBeacon) return;
    for (let from = 0, count; from < events.length; from += count) {
      count = countThatFits(events.slice(from), BEACON_BYTES);
      navigator.sendBeacon(url, new Blob([body(events.slice(from, from + count))], { type: 'text/plain' }));
    }
  };
  // From pagehide until a pageshow (back from the back/forward cache), the page is going:
  // what is recorded after the unload beacon (web vitals, reported when the page turns
  // hidden, which follows pagehide) is beaconed as it comes.
  let gone = false;

  addEventListener('online', flush);
  document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && flush());
  addEventListener('pagehide', () => {
    gone = true;
    beacon([...unsent.values(), ...(context.pending?.() ?? [])]);
  });
  addEventListener('pageshow', () => (gone = false));
  // What earlier pages left behind goes first.
  schedule(0);

  return {
    /** Adds entries (keyed like the event log) to the outbox; sends when a batch is full, or after `intervalMs`. */
    async enqueue(entries: [string, AttuneEvent][]) {
      // Noted first: a page hidden while the outbox write is under way still beacons them.
      entries.forEach(([key, event]) => unsent.set(key, event));
      if (gone) beacon(entries.map(([, event]) => event));
      await outbox.setMany(entries);
      if (unsent.size > maxOutbox / 2) {
        // Rarely worth a look at the whole outbox: only when it may be near its bound.
        const keys = await outbox.keys();
        const excess = keys.length - maxOutbox;
        if (excess > 0) {
          const dropped = keys.slice(0, excess);
          await outbox.delMany(dropped);
          dropped.forEach((key) => unsent.delete(key));
          fail('outbox-full', 'sync', `Outbox over ${maxOutbox} events: the ${excess} oldest were dropped`);
        }
      }
      if (unsent.size >= batchSize) flush();
      else schedule(intervalMs);
    },
    flush,
    /** Forgets this tab's unsent events, after the database was deleted. */
    clear: () => unsent.clear(),
    /** How many events wait in the outbox, every tab's. */
    size: () => outbox.keys().then((keys) => keys.length),
  };
}

/** The sender created by {@link createSender}. */
export type Sender = ReturnType<typeof createSender>;
