import type { AttuneEvent } from '../core/types';
import type { KeyValueStore } from '../store/database';
import { batchPayload, countThatFits } from './payload';
import { isRetryable, parseRetryAfter, retryDelay } from './retry';
import { releaseLease, takeLease } from './lease';
import { newId } from '../core/id';
import { toJson } from '../core/json';
import { isForget, type ErasureKey } from './erasure';
import { createLifecycle, SEND, type Lifecycle } from '../core/lifecycle';

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
  /** How long a request (or `transport` call) may take before it is abandoned and retried, in ms. Default 15,000. */
  timeoutMs?: number;
}

/** What the sender needs from the instance. */
export interface SenderContext {
  site: string;
  endpoint?: string;
  outbox: KeyValueStore;
  fail: (code: string, path: string, problem: unknown) => void;
  /** Events recorded but not yet handed to `enqueue` (their write is still to come): beaconed at unload too. */
  pending?: () => AttuneEvent[];
  /** The current anonymous id's erasure key, sent with every batch (none while it is not known). */
  erasureKey?: () => ErasureKey | undefined;
  /** The instance's page lifecycle: the unload beacon runs in its `SEND` phase (a sender alone makes its own). */
  lifecycle?: Lifecycle;
  /** The device's time zone, added on the way out to events recorded before it was known. */
  timeZone?: () => string | undefined;
}

const BEACON_BYTES = 60_000;
/** Batches read from the outbox at once. */
const READ_AHEAD = 10;

/**
 * How a request ended. `retry`: send the same events again later (after `afterMs`
 * at least). Otherwise the server took the batch, except the events at the indexes
 * in `refused`, which are dropped; with `resend`, it stored nothing, so the others
 * go again at once.
 */
interface SendOutcome {
  retry?: boolean;
  afterMs?: number;
  refused?: number[];
  resend?: boolean;
  reason?: string;
}

type Refusal = { index?: unknown; path?: unknown; message?: unknown };

// The events a server's list of problems names (`{ index, path, message }`, the
// collector's and Segment-style shape), and its words for the report.
const refusals = (list: unknown, count: number) => {
  const refused = new Set<number>();
  const words = (Array.isArray(list) ? (list as Refusal[]) : []).map((r) => {
    const index = r?.index as number;
    if (Number.isInteger(index) && index >= 0 && index < count) refused.add(index);
    return `${r?.path ?? ''} ${r?.message ?? ''}`.trim();
  });
  return { refused: [...refused], reason: words.slice(0, 3).join('; ') };
};

const parse = (text: string): any => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/**
 * Ships the outbox: batches of up to `batchSize` events (and under 64 KB, so the
 * same batch can go out as a beacon), when a batch is full or after `intervalMs`.
 * Only one tab sends at a time (a Web Lock, or a lease in localStorage where Web
 * Locks are missing or refused), and it sends every tab's events, since they share
 * the outbox; an event leaves the outbox only once the server took or refused it.
 * Ordinary sends are plain requests whose answers are read to the end, so they never
 * hold the browser's keepalive quota (64 KB in flight per page in Chromium), which
 * the unload beacons need; each has a timeout. Retries back off with jitter and
 * honour Retry-After. Events the server refuses (a 4xx, or a 200 listing some as
 * `rejected`) are dropped and reported with the server's reason; when it names the
 * events, only those are dropped and the rest are still delivered. Offline, it
 * waits for `online`. When the page is hidden it sends at once; when it is
 * unloaded, it beacons this tab's unsent events and keeps them: the next page sends
 * them again, and the backend drops the repeat by `messageId`. Events that come
 * after `pagehide` are beaconed as they come.
 */
export function createSender(context: SenderContext, options: SyncOptions = {}) {
  const { site, endpoint, outbox, fail } = context;
  const { writeKey, transport, batchSize = 20, intervalMs = 5000, maxOutbox = 10_000, timeoutMs = 15_000 } = options;
  const url = `${endpoint}/v1/batch?site=${encodeURIComponent(site)}`;
  // A forget request (src/sync/erasure.ts) goes alone to its own endpoint, with the key in the body as a beacon needs.
  const forgetUrl = `${endpoint}/v1/forget?site=${encodeURIComponent(site)}`;
  const lockName = `attune-sync-${site}`;
  const tabId = newId();
  // This tab's events not yet confirmed sent, for the beacon at unload, when storage is too slow to read.
  const unsent = new Map<string, AttuneEvent>();
  let attempt = 0;
  let retryAt = 0;
  let busy = false;
  // Set once Web Locks refused us (a sandboxed frame throws SecurityError): the lease takes over.
  let noLocks = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timerAt = Infinity;

  // An event recorded before the time zone was resolved (src/collect/context.ts) gets it here.
  const zoned = (events: AttuneEvent[]) => {
    const zone = context.timeZone?.();
    return zone ? events.map((e) => (e.context && !e.context.timezone ? { ...e, context: { ...e.context, timezone: zone } } : e)) : events;
  };
  const body = (events: AttuneEvent[]) =>
    isForget(events[0]) ? toJson({ ...events[0], writeKey }) : toJson(batchPayload(zoned(events), Date.now(), writeKey, context.erasureKey?.()));
  const target = (events: AttuneEvent[]) => (isForget(events[0]) ? forgetUrl : url);

  const request = async (events: AttuneEvent[], signal?: AbortSignal): Promise<SendOutcome> => {
    // The erasure secret is for the collector alone: a transport (any other backend) never sees it.
    if (transport) return isForget(events[0]) ? {} : (await transport(zoned(events)), {});
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (writeKey) headers.Authorization = `Basic ${btoa(writeKey + ':')}`;
    const response = await fetch(target(events), { method: 'POST', body: body(events), headers, signal });
    // Read to the end, whatever the status: that is what frees the connection.
    const text = await response.text();
    const answer = parse(text);
    if (response.ok) return refusals(answer?.rejected, events.length);
    if (isRetryable(response.status)) {
      return { retry: true, afterMs: parseRetryAfter(response.headers.get('Retry-After'), Date.now()), reason: `${response.status}` };
    }
    // Refused whole: if the server named the bad events, only those are dropped.
    const { refused, reason } = refusals(answer?.errors, events.length);
    return { refused: refused.length ? refused : events.map((_, i) => i), resend: true, reason: `${response.status} ${reason || text.slice(0, 200)}`.trim() };
  };

  // A request that does not finish in time is aborted and retried, so a hanging
  // connection cannot hold the sender until the page is left.
  const post = (events: AttuneEvent[]) =>
    new Promise<SendOutcome>((resolve) => {
      const abort = typeof AbortController == 'function' ? new AbortController() : undefined;
      const retry = (error: unknown) => resolve({ retry: true, reason: String(error) });
      const timeout = setTimeout(() => (abort?.abort(), retry(`no answer in ${timeoutMs} ms`)), timeoutMs);
      request(events, abort?.signal)
        .then(resolve, retry)
        .finally(() => clearTimeout(timeout));
    });

  // Sends until the outbox is empty, a request fails, or the page goes offline. The
  // outbox is read several batches at a time, and a batch's deletion is not waited for
  // before the next is sent: each IndexedDB transaction costs Chromium ~10-20 ms, more
  // than a request on a good line. A deletion lost to a crash only means a repeat,
  // which the backend drops by messageId.
  const drain = async () => {
    while (navigator.onLine !== false) {
      const entries = await outbox.head<AttuneEvent>(batchSize * READ_AHEAD);
      if (!entries.length) return;
      const deletions: Promise<void>[] = [];
      try {
        for (let from = 0; from < entries.length; ) {
          const batch = entries.slice(from, from + batchSize);
          // A forget request goes alone, and a batch of events stops before one.
          const cut = batch.findIndex(([, event], i) => i > 0 && isForget(event));
          if (isForget(batch[0][1])) batch.length = 1;
          else if (cut > 0) batch.length = cut;
          const sent = batch.slice(0, countThatFits(batch.map(([, event]) => event), BEACON_BYTES));
          from += sent.length;
          const outcome = await post(sent.map(([, event]) => event));
          if (outcome.retry) {
            retryAt = Date.now() + retryDelay(++attempt, Math.random, outcome.afterMs);
            return schedule(retryAt - Date.now());
          }
          attempt = 0;
          const refused = outcome.refused ?? [];
          if (refused.length) fail('rejected', 'sync', `${refused.length} of ${sent.length} events refused and dropped: ${outcome.reason}`);
          const keys = (outcome.resend ? refused.map((i) => sent[i]) : sent).map(([key]) => key);
          keys.forEach((key) => unsent.delete(key));
          deletions.push(outbox.delMany(keys));
          // The rest of a batch refused whole goes again: read the outbox afresh.
          if (outcome.resend) break;
        }
      } finally {
        await Promise.all(deletions);
      }
    }
  };

  /** Sends now, unless already sending, waiting to retry, or another tab is sending. */
  const flush = () => {
    if ((!endpoint && !transport) || stopped) return;
    const wait = busy ? intervalMs : retryAt - Date.now();
    if (wait > 0) return schedule(wait);
    busy = true;
    clearTimeout(timer);
    timerAt = Infinity;
    const run = () => drain().catch((error) => fail('internal', 'sync', error)).finally(() => (busy = false));
    // A tab holding the lock sends everything, these events included; look again later.
    const skip = () => ((busy = false), schedule(intervalMs));
    const viaLease = () => (takeLease(lockName, tabId) ? run().finally(() => releaseLease(lockName, tabId)) : skip());
    const locks = (navigator as Navigator & { locks?: LockManager }).locks;
    if (!locks || noLocks) return void viaLease();
    const refusedLock = () => ((noLocks = true), viaLease());
    try {
      locks.request(lockName, { ifAvailable: true }, (lock) => (lock ? run() : skip())).catch(refusedLock);
    } catch {
      refusedLock();
    }
  };

  // One timer, for the earliest moment anything asked to send: a retry is never
  // held back behind a later periodic flush.
  const schedule = (ms: number) => {
    if (stopped || Date.now() + ms >= timerAt) return;
    clearTimeout(timer);
    timerAt = Date.now() + ms;
    timer = setTimeout(() => {
      timerAt = Infinity;
      flush();
    }, ms);
  };

  const beacon = (events: AttuneEvent[]) => {
    if (transport || !endpoint || !navigator.sendBeacon) return;
    const send = (to: string, some: AttuneEvent[]) => navigator.sendBeacon(to, new Blob([body(some)], { type: 'text/plain' }));
    events.filter(isForget).forEach((request) => send(forgetUrl, [request]));
    events = events.filter((event) => !isForget(event));
    for (let from = 0, count; from < events.length; from += count) {
      count = countThatFits(events.slice(from), BEACON_BYTES);
      send(url, events.slice(from, from + count));
    }
  };
  // From pagehide until a pageshow (back from the back/forward cache), the page is going:
  // what is recorded after the unload beacon (web vitals, reported when the page turns
  // hidden, which follows pagehide) is beaconed as it comes.
  const lifecycle = context.lifecycle ?? createLifecycle();
  let stopped = false;
  const onHidden = () => document.visibilityState === 'hidden' && flush();
  addEventListener('online', flush);
  document.addEventListener('visibilitychange', onHidden);
  // Set by this sender's own beacon (the last phase of leaving), so what earlier phases
  // record goes out with it once, not also one by one; left() turns false at pageshow.
  let beaconed = false;
  const unLeave = lifecycle.onLeave(SEND, () => {
    beaconed = true;
    beacon([...unsent.values(), ...(context.pending?.() ?? [])]);
  });
  // What earlier pages left behind goes first.
  schedule(0);

  return {
    /** Adds entries (keyed like the event log) to the outbox; sends when a batch is full, or after `intervalMs`. */
    async enqueue(entries: [string, AttuneEvent][]) {
      // Noted first: a page hidden while the outbox write is under way still beacons them.
      entries.forEach(([key, event]) => unsent.set(key, event));
      if (beaconed && lifecycle.left()) beacon(entries.map(([, event]) => event));
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
    /** Stops sending: its timer and listeners go; what is in the outbox stays for a later page. */
    stop() {
      stopped = true;
      clearTimeout(timer);
      timerAt = Infinity;
      removeEventListener('online', flush);
      document.removeEventListener('visibilitychange', onHidden);
      unLeave();
      if (!context.lifecycle) lifecycle.stop();
    },
  };
}

/** The sender created by {@link createSender}. */
export type Sender = ReturnType<typeof createSender>;
