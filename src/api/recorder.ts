import type { AttuneEvent } from '../core/types';
import { copyJson } from '../core/json';
import { newId } from '../core/id';
import { openDatabase, type StorageMode } from '../store/database';
import { createEventLog, eventKey, type RetentionOptions } from '../store/event-log';
import { createSender, type Sender, type SyncOptions } from '../sync/sender';
import { createPuller } from '../sync/pull';
import { erasureRecord, forgetRequest, type ErasureRecord } from '../sync/erasure';
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
}

/**
 * The event pipeline behind the public API: each event updates the in-memory
 * profile at once, then waits in memory until storage is loaded and consent is
 * given, and is then written to the log and the outbox together with the profile,
 * in one batch per task. Nothing touches storage or the network until consent
 * allows it.
 */
export function createRecorder(options: RecorderOptions) {
  const { fail, profile: profileOptions } = options;
  const db = openDatabase(`attune-${options.site}`, {
    onFallback: (reason) =>
      fail('storage-unavailable', 'storage', `IndexedDB unusable, data kept in memory: ${(reason as Error)?.message ?? reason}`),
  });
  const log = createEventLog(db.store('events'), options.retention);
  const stateStore = db.store('state');
  const { endpoint, sync } = options;
  const syncs = !!(endpoint || sync.transport);
  let sender: Sender | undefined;
  const puller = createPuller(endpoint, options.site, stateStore, fail);

  let consent = options.consent;
  let state = createProfileState(newId());
  let memory = createDecisionMemory();
  // The erasure secret of the current anonymous id (src/sync/erasure.ts), once loaded or made.
  let erasure: ErasureRecord | undefined;
  let stored: Promise<[ProfileState | undefined, DecisionMemory | undefined, ErasureRecord | undefined, void]> | undefined;
  let activation: Promise<void> | undefined;
  let live = false;
  let waiting: AttuneEvent[] = [];
  let unwritten: AttuneEvent[] = [];
  let writing = Promise.resolve();
  let writeScheduled = false;
  // Records given to keep(), held until a write has stored them, so kept() reads them back at once.
  let keeping = new Map<string, unknown>();

  const failed = (path: string) => (error: unknown) => fail('internal', path, error);

  const writeNow = async () => {
    writeScheduled = false;
    const batch = unwritten;
    unwritten = [];
    const entries = batch.map((event): [string, AttuneEvent] => [eventKey(event), event]);
    const records = [...keeping];
    // Every write starts in this task: at pagehide, the browser still commits transactions
    // begun before the page goes, and a log written without its outbox would keep an event
    // that is never sent.
    await Promise.all([
      entries.length && log.append(entries, Date.now()),
      entries.length && sender?.enqueue(entries),
      stateStore.setMany([['profile', state], ['decisions', memory], ...records]),
    ]);
    // Kept again meanwhile: the newer value waits for the next write.
    for (const [key, value] of records) if (keeping.get(key) === value) keeping.delete(key);
  };
  // From pagehide until a pageshow (back from the back/forward cache) no next task will
  // come: a write cannot wait for one. Started at once, it runs beside any write still
  // under way, and the browser commits what was begun before the page went.
  let left = false;
  const writeAtOnce = () => {
    const now = writeNow().catch(failed('storage'));
    writing = writing.then(() => now);
  };
  // Run first at pagehide: this listener is added before the sender's, so what they record
  // still goes out with its beacon.
  const leaving: (() => void)[] = [];
  addEventListener('pagehide', () => {
    left = true;
    leaving.forEach((fn) => fn());
    // A write waiting for the next task (a click on a link, say) starts now. (Resolving its
    // timer instead missed a write queued behind one still under way: its timer did not
    // exist yet, and what it held, and what came after pagehide, was never written.)
    if (writeScheduled) writeAtOnce();
  });
  addEventListener('pageshow', () => (left = false));
  const scheduleWrite = () => {
    // Recorded while the page goes (web vitals at visibilitychange, which follows pagehide).
    if (left) return writeAtOnce();
    if (writeScheduled) return;
    writeScheduled = true;
    // One write per task, however many events the task recorded; a write that
    // pagehide started already took them, and this one then stores the state alone.
    writing = writing
      .then(() => new Promise<void>((resolve) => setTimeout(resolve, 0)))
      .then(writeNow)
      .catch(failed('storage'));
  };
  const commit = (events: AttuneEvent[]) => {
    unwritten.push(...events);
    scheduleWrite();
    events.forEach(options.onCommit);
  };

  const readStorage = () =>
    (stored ||= Promise.all([
      stateStore.get<ProfileState>('profile'),
      stateStore.get<DecisionMemory>('decisions'),
      stateStore.get<ErasureRecord>('erasure'),
      log.load(Date.now()),
    ]));
  // Loads or makes the current anonymous id's erasure secret, and keeps a new one beside the profile.
  const ensureErasure = (secret?: ErasureRecord) =>
    erasureRecord(secret, state.anonymousId).then((made) => {
      erasure = made;
      if (made && made !== secret) record.keep('erasure', made);
    });

  // Goes live once consent is granted and storage is read: events recorded meanwhile
  // were learned into a fresh profile, so they are learned again into the stored one.
  const activate = () =>
    (activation ||= readStorage()
      .then(([profile, decisions, secret]) => {
        if (consent !== 'granted') return;
        memory = mergeDecisionMemory(decisions, memory);
        if (profile) {
          state = profile;
          waiting.forEach((event) => {
            event.anonymousId = state.anonymousId;
            applyEvent(state, event, profileOptions);
          });
        }
        live = true;
        ensureErasure(secret);
        const erasureKey = () => (erasure?.id == state.anonymousId ? { anonymousId: erasure.id, hash: erasure.hash } : undefined);
        if (syncs) sender ||= createSender({ site: options.site, endpoint, outbox: db.store('outbox'), fail, pending: () => unwritten, erasureKey }, sync);
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
    /** The decision engine's memory (assignments, exposures, local counts), stored with the profile. */
    memory: () => memory,
    /** Stores the profile and the decision memory soon, if anything may be stored. */
    saveSoon: () => live && scheduleWrite(),
    consent: () => consent,
    ready: () => activation ?? Promise.resolve(),

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
     * When events may have been sent, the collector is asked to erase the old id too: the
     * request waits in the (new) outbox like an event until the collector answers.
     */
    async forget() {
      const asked = live && sender && erasure?.id == state.anonymousId ? forgetRequest(erasure, state.userId) : undefined;
      reset();
      sender?.clear();
      await writing;
      await db.destroy();
      log.reset();
      erasure = undefined;
      if (!live) return;
      await ensureErasure();
      if (asked) {
        await sender!.enqueue([[eventKey(asked), asked]]);
        sender!.flush();
      }
    },

    async export(): Promise<AttuneExport> {
      await writing;
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
      scheduleWrite();
      await writing;
      sender?.flush();
    },

    /** How many events wait to be sent (every tab's), or 0 without sync. */
    outboxSize: () => sender?.size() ?? Promise.resolve(0),

    /** What was last pulled from the backend under `name` (`stats`, …), if anything. */
    pulled: (name: string) => puller.get(name),
    /** When `name` was last fetched (milliseconds since the epoch), if ever. */
    pulledAt: (name: string) => puller.at(name),
    /** Runs `fn` when the page is left, before the sender beacons what is unsent. */
    onLeave: (fn: () => void) => void leaving.push(fn),
    /**
     * Keeps a small record (a quiz's progress) in the state store, if anything may be
     * stored: with the next write of the profile, one transaction per task, not one each.
     */
    keep(key: string, value: unknown) {
      if (!live) return;
      keeping.set(key, value);
      scheduleWrite();
    },
    /** A record kept with `keep()`, once stored data is loaded; undefined while nothing may be stored. */
    kept: <T>(key: string): Promise<T | undefined> => whenLive(() => (keeping.has(key) ? Promise.resolve(keeping.get(key) as T) : stateStore.get<T>(key))),
    /** Once live: the cached `name`, fetched from `url` (default: the endpoint's `/v1/<name>`) when missing, refreshed in the background when stale. */
    pull: (name: string, url: string | undefined, maxAgeMs: number) => whenLive(() => puller.pull(name, maxAgeMs, url)),
  };
  return record;
}

/** The recorder created by {@link createRecorder}. */
export type Recorder = ReturnType<typeof createRecorder>;
