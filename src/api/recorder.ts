import type { AttuneEvent } from '../core/types';
import { copyJson } from '../core/json';
import { newId } from '../core/id';
import type { Json } from '../core/types';
import { RECORD, STORE, type Lifecycle } from '../core/lifecycle';
import { openDatabase, type KeyValueStore, type StorageMode } from '../store/database';
import { createEventLog, eventKey, type RetentionOptions } from '../store/event-log';
import { createStateWriter } from '../store/state-writer';
import type { SyncOptions } from '../sync/sender';
import { createPuller, type Pulled } from '../sync/pull';
import { setTimeZone } from '../collect/context';
import { applyEvent, createProfileState, type ProfileOptions, type ProfileState } from '../profile/profile';
import { createDecisionMemory, mergeDecisionMemory, type DecisionMemory } from '../decide/memory';

/** May Attune record? `pending` keeps events in memory until the visitor decides. */
export type ConsentState = 'pending' | 'granted' | 'denied';

/** How old pulled statistics may be before a page refreshes them in the background. */
export const STATS_MAX_AGE_MS = 10 * 60_000;

/** Events kept in memory at most while consent is pending. */
export const MAX_PENDING_CONSENT = 100;

/** Everything Attune holds on this device, as returned by `export()`. */
export interface AttuneExport {
  anonymousId: string;
  userId: string | null;
  consent: ConsentState;
  storage: StorageMode;
  profile: ProfileState;
  /** The decision engine's memory: sticky assignments, latest impressions, local counts. */
  decisions: DecisionMemory;
  events: AttuneEvent[];
}

/** Options of {@link createRecorder}. */
export interface RecorderOptions {
  site: string;
  consent: ConsentState;
  profile: ProfileOptions;
  retention: RetentionOptions;
  /** Where events go; without an endpoint or a transport they stay on the device. */
  endpoint?: string;
  sync: SyncOptions;
  /** Reports a problem: its code, where it happened, and the error or message. */
  fail: (code: string, path: string, problem: unknown) => void;
  onCommit: (event: AttuneEvent) => void;
  /** The instance's page lifecycle: the write starts in its `STORE` phase. */
  lifecycle: Lifecycle;
  /** Fetches a pull afresh (src/sync/pull-fetch.ts, in the second stage of the script tag). */
  fetchPulled: (url: string, cached: Pulled | undefined) => Promise<Pulled>;
}

/**
 * The sender as the recorder sees it (src/sync/sender.ts, in the second stage): it
 * takes entries once their write starts, and forgets them after a `forget()`.
 */
export interface OutboxSender {
  enqueue(entries: [string, AttuneEvent][]): Promise<void>;
  flush(): void;
  clear(): void;
}

/**
 * The event pipeline behind the public API: each event updates the in-memory
 * profile at once, then waits in memory until storage is loaded and consent is
 * given, and is then written to the log and the outbox together with the profile,
 * in one batch per task. Nothing touches storage or the network until consent
 * allows it.
 */
export function createRecorder(options: RecorderOptions) {
  const { fail, profile: profileOptions, lifecycle } = options;
  const db = openDatabase(`attune-${options.site}`, {
    onFallback: (reason) =>
      fail('storage-unavailable', 'storage', `IndexedDB unusable, data kept in memory: ${(reason as Error)?.message ?? reason}`),
  });
  const log = createEventLog(db.store('events'), options.retention);
  const stateStore = db.store('state');
  const outbox = db.store('outbox');
  const { endpoint, sync } = options;
  const syncs = !!(endpoint || sync.transport);
  // Attached by the second stage once it runs; until then entries go to the outbox alone.
  let sender: OutboxSender | undefined;
  const puller = createPuller(endpoint, options.site, stateStore, fail, options.fetchPulled);
  const onLive: (() => void)[] = [];

  let consent = options.consent;
  let state = createProfileState(newId());
  let memory = createDecisionMemory();
  let stored: Promise<[ProfileState | undefined, DecisionMemory | undefined, string | undefined, void]> | undefined;
  let activation: Promise<void> | undefined;
  let live = false;
  let waiting: AttuneEvent[] = [];
  let unwritten: AttuneEvent[] = [];
  // Records given to keep(), held until a write has stored them, so kept() reads them back at once.
  let keeping = new Map<string, unknown>();

  const failed = (path: string) => (error: unknown) => fail('internal', path, error);

  const write = async () => {
    const batch = unwritten;
    unwritten = [];
    const entries = batch.map((event): [string, AttuneEvent] => [eventKey(event), event]);
    const records = [...keeping];
    // Every write starts in this task: at pagehide, the browser still commits transactions
    // begun before the page goes, and a log written without its outbox would keep an event
    // that is never sent. The outbox is written whether or not the sender runs yet, so an
    // event recorded before the second stage loads is sent from a later page at the latest.
    await Promise.all([
      entries.length && log.append(entries, Date.now()),
      entries.length && syncs && (sender ? sender.enqueue(entries) : outbox.setMany(entries)),
      stateStore.setMany([['profile', state], ['decisions', memory], ...records]),
    ]);
    // Kept again meanwhile: the newer value waits for the next write.
    for (const [key, value] of records) if (keeping.get(key) === value) keeping.delete(key);
  };
  const writer = createStateWriter(write, lifecycle.left, failed('storage'));
  lifecycle.onLeave(STORE, writer.leave);
  const commit = (events: AttuneEvent[]) => {
    unwritten.push(...events);
    writer.schedule();
    events.forEach(options.onCommit);
  };

  // The time zone as an earlier page resolved it: resolving it costs tens of milliseconds
  // before the first paint, so the second stage does it and keeps it here.
  // The log's listing (for retention) is started here but not waited for: the first
  // decision needs the stored state only.
  const readStorage = () =>
    (stored ||= Promise.all([
      stateStore.get<ProfileState>('profile'),
      stateStore.get<DecisionMemory>('decisions'),
      stateStore.get<string>('timezone'),
      void log.load(Date.now()).catch(failed('storage')),
    ]));

  // Goes live once consent is granted and storage is read: events recorded meanwhile
  // were learned into a fresh profile, so they are learned again into the stored one.
  const activate = () =>
    (activation ||= readStorage()
      .then(([profile, decisions, zone]) => {
        if (consent !== 'granted') return;
        memory = mergeDecisionMemory(decisions, memory);
        if (typeof zone == 'string') setTimeZone(zone);
        if (profile) {
          state = profile;
          waiting.forEach((event) => {
            event.anonymousId = state.anonymousId;
            applyEvent(state, event, profileOptions);
          });
        }
        live = true;
        onLive.forEach((fn) => fn());
        if (endpoint) puller.pull('stats', STATS_MAX_AGE_MS);
        const ready = waiting;
        waiting = [];
        commit(ready);
      })
      .catch(failed('storage')));

  // Storage is read once stored data is loaded, and only if anything may be stored.
  const whenLive = <T>(read: () => Promise<T>) => (activation ?? Promise.resolve()).then(() => (live ? read() : undefined));

  const reset = () => {
    waiting = [];
    unwritten = [];
    keeping = new Map();
    state = createProfileState(newId());
    memory = createDecisionMemory();
  };

  if (consent === 'granted') activate();

  const record = {
    /** The profile state the next decision reads. */
    state: () => state,
    /** The decision engine's memory (assignments, exposures, local counts), stored with the profile; read it only. */
    memory: (): Readonly<DecisionMemory> => memory,
    /**
     * The one way the decision engine changes its memory: `change` edits it, and it is
     * stored soon (with the profile, in the task's one write) if anything may be stored.
     */
    updateMemory(change: (memory: DecisionMemory) => unknown) {
      change(memory);
      if (live) writer.schedule();
    },
    consent: () => consent,
    ready: () => activation ?? Promise.resolve(),
    /** True once consent allows storing and stored data is loaded. */
    live: () => live,
    /** Whether events leave the device (an endpoint or a transport). */
    syncs,
    /** The outbox every tab of the site shares. */
    outbox: (): KeyValueStore => outbox,
    /** Events recorded whose write has not started yet: the sender beacons them at leave too. */
    pending: () => unwritten,
    /** Runs `fn` each time the recorder goes live (at once if it is). */
    onLive(fn: () => void) {
      onLive.push(fn);
      if (live) fn();
    },
    /** Hands entries to `next` from the next write on (the second stage's sender). */
    attach(next: OutboxSender) {
      sender = next;
    },

    /** Learns from an event, then stores it when storage and consent allow. */
    record(event: AttuneEvent) {
      if (consent === 'denied') return;
      applyEvent(state, event, profileOptions);
      if (live) return commit([event]);
      waiting.push(event);
      if (consent === 'pending' && waiting.length > MAX_PENDING_CONSENT) {
        waiting.shift();
        fail('consent-pending', 'consent', `Consent pending: oldest of ${MAX_PENDING_CONSENT} events dropped`);
      }
    },

    setConsent(next: ConsentState) {
      if (next === consent) return;
      consent = next;
      if (next === 'granted') return void activate();
      // Denied: forget what is in memory and read storage afresh if consent comes back.
      reset();
      live = false;
      stored = activation = undefined;
    },

    /**
     * Deletes every Attune database and in-memory state, and starts a new anonymous id.
     * The erasure request to the collector is the second stage's (src/api/stage2.ts).
     */
    async wipe() {
      reset();
      sender?.clear();
      await writer.settled();
      await db.destroy();
      log.reset();
    },

    async export(): Promise<AttuneExport> {
      await writer.settled();
      const logged = live ? await log.all() : [];
      return {
        anonymousId: state.anonymousId,
        userId: state.userId ?? null,
        consent,
        storage: db.mode(),
        profile: copyJson(state),
        decisions: copyJson(memory),
        events: [...logged, ...unwritten, ...waiting],
      };
    },

    /** Resolves once everything recorded so far is written (at once while nothing may be), then starts sending. */
    async flush() {
      await activation;
      if (!live) return;
      writer.schedule();
      await writer.settled();
      sender?.flush();
    },

    /** How many events wait to be sent (every tab's), or 0 without sync. */
    outboxSize: () => (syncs ? outbox.keys().then((keys) => keys.length) : Promise.resolve(0)),

    /** What was last pulled from the backend under `name` (`stats`, …), if anything. */
    pulled: (name: string) => puller.get(name),
    /** When `name` was last fetched (milliseconds since the epoch), if ever. */
    pulledAt: (name: string) => puller.at(name),
    /** Runs `fn` when the page is left, before the write and the sender's beacon. */
    onLeave: (fn: () => void) => void lifecycle.onLeave(RECORD, fn),
    /**
     * Keeps a small record (a quiz's progress) in the state store, if anything may be
     * stored: with the next write of the profile, one transaction per task, not one each.
     */
    keep(key: string, value: unknown) {
      if (!live) return;
      keeping.set(key, value);
      writer.schedule();
    },
    /** A record kept with `keep()`, once stored data is loaded; undefined while nothing may be stored. */
    kept: <T>(key: string): Promise<T | undefined> => whenLive(() => (keeping.has(key) ? Promise.resolve(keeping.get(key) as T) : stateStore.get<T>(key))),
    /** Once live: the cached `name`, fetched from `url` (default: the endpoint's `/v1/<name>`) when missing, refreshed in the background when stale. */
    pull: (name: string, url: string | undefined, maxAgeMs: number): Promise<Json | undefined> => whenLive(() => puller.pull(name, maxAgeMs, url)),
  };
  return record;
}

/** The recorder created by {@link createRecorder}. */
export type Recorder = ReturnType<typeof createRecorder>;
