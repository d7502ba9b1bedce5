/**
 * Folds newly stored events into the aggregates (the report's and the trigger state,
 * server/fold-hooks.ts) a little after they are stored, many batches at once, instead of
 * inside each batch's transaction.
 *
 * Why later: the aggregates' cost is writes of rows that many events share (a variant's
 * day, the site's counts, a visitor's member rows). Folded every quarter second, each is
 * written once per fold rather than once per batch.
 *
 * Exactly once: a fold is one transaction that writes the aggregates and moves the mark
 * (the highest event row id folded) together. Events stored but not folded when the
 * process stops are folded from the table at the next start ({@link createFoldStep}:
 * it reads the mark under the write lock, so two connections never fold the same
 * events). Every read of the aggregates first settles the fold ({@link settleFold}), so
 * a reader never sees a batch that was acknowledged but not counted.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { storedEvent, type StoredRow } from './aggregate-replay';
import type { Aggregate } from './aggregates';
import { isBusy, type Db } from './database';
import type { ValidEvent } from './validate-event';

/**
 * How often stored events are folded, in ms. Fewer, larger folds read and write each
 * visitor's rows once for more of their events (bench/collector.mjs: ×0.37 → ×0.48 of the
 * baseline's ingest with 1 s and 20,000 events against 250 ms and 5,000); reads settle first.
 */
export const FOLD_INTERVAL_MS = 1000;

/** Folds stored events in the background. */
export interface AggregateFold {
  /** Resolves once every event committed before the call is folded; rejects if folding fails. */
  settle(): Promise<void>;
  /** Stops folding once the step in progress ends. */
  close(): Promise<void>;
}

const folds = new WeakMap<Db, AggregateFold>();

/**
 * Waits until everything stored through `db` before the call is folded, so that a read
 * of the aggregates that follows counts it. Resolves at once without a fold.
 */
export function settleFold(db: Db): Promise<void> {
  return folds.get(db)?.settle() ?? Promise.resolve();
}

/**
 * One fold step: folds up to `limit` events past the mark, with ids up to `upTo`, in one
 * transaction; how many it folded (fewer than `limit`: none left).
 */
export type FoldStep = (limit: number, upTo?: number) => number;

/**
 * Creates the fold's mark when the file has none. Call it before the process stores
 * anything: schema-2 files written before the mark existed were folded at ingest,
 * wholly, so their mark is their last event.
 */
export function ensureFoldMark(db: Db): void {
  if (db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'aggregate_mark'").get() !== undefined) return;
  db.transaction(() => {
    const hasMark = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'aggregate_mark'").get() !== undefined;
    if (hasMark) return;
    db.exec('CREATE TABLE aggregate_mark (id INTEGER PRIMARY KEY CHECK (id = 0), last_event INTEGER NOT NULL)');
    db.exec('INSERT INTO aggregate_mark (id, last_event) SELECT 0, coalesce(max(id), 0) FROM events');
  }).immediate();
}

/**
 * Prepares the fold step over `db` (creating the mark when the file has none). Throws
 * SQLITE_BUSY (see `isBusy`) when another connection holds the write lock.
 */
export function createFoldStep(db: Db, apply: Aggregate): FoldStep {
  ensureFoldMark(db);
  const readMark = db.prepare<[], { last_event: number }>('SELECT last_event FROM aggregate_mark WHERE id = 0');
  const setMark = db.prepare<[number]>('UPDATE aggregate_mark SET last_event = ? WHERE id = 0');
  const unfolded = db.prepare<[number, number, number], StoredRow>(
    'SELECT id, site, type, event, message_id, timestamp, anonymous_id, user_id, payload FROM events WHERE id > ? AND id <= ? ORDER BY id LIMIT ?',
  );
  const step = db.transaction((limit: number, upTo: number): number => {
    const rows = unfolded.all(readMark.get()!.last_event, upTo, limit);
    if (rows.length === 0) return 0;
    apply(sortByVisitor(rows.map((row): [number, ValidEvent] => [row.id, storedEvent(row)])));
    setMark.run(rows[rows.length - 1].id);
    return rows.length;
  });
  // IMMEDIATE: the mark is read under the write lock, so two connections never fold the same events.
  return (limit, upTo = Number.MAX_SAFE_INTEGER) => step.immediate(limit, upTo);
}

/** Makes `fold` (one running elsewhere, e.g. in the writer thread) the one readers of `db` settle on. */
export function registerFold(db: Db, fold: AggregateFold): void {
  folds.set(db, fold);
}

/** The fold on the ingest thread: fed each committed batch's events, folded from memory. */
export interface QueuedFold extends AggregateFold {
  /** Queues events of a committed batch, with their row ids, in id order. */
  queue(stored: readonly [id: number, event: ValidEvent][]): void;
}

/** Queued events beyond which a fold runs at once, bounding memory and lag under a burst. */
export const MAX_QUEUED = 20000;

/**
 * Folds on the ingest thread: first what an earlier run stored but never folded (from
 * the table), then the events each batch queues, from memory (they are parsed already),
 * every {@link FOLD_INTERVAL_MS}, and at once when a read settles. A fold never waits for
 * another process's write lock on the event loop: a busy database is retried on the
 * timer, and a reader that finds it busy gets the error.
 */
export function startFoldInThread(db: Db, apply: Aggregate): QueuedFold {
  const step = createFoldStep(db, apply);
  // What an earlier run stored but never folded (up to the newest event now, before this
  // run stores any) is folded from the table first, in id order, then what is queued;
  // retried by every fold until it gets through.
  const before = (db.prepare('SELECT coalesce(max(id), 0) AS id FROM events').get() as { id: number }).id;
  let caughtUp = false;
  const catchUp = () => {
    while (!caughtUp) caughtUp = withoutWaiting(db, () => step(MAX_QUEUED, before)) < MAX_QUEUED;
  };
  const setMark = db.prepare<[number]>('UPDATE aggregate_mark SET last_event = ? WHERE id = 0');
  const foldQueued = db.transaction((batch: [number, ValidEvent][]) => {
    apply(sortByVisitor(batch));
    setMark.run(batch[batch.length - 1][0]);
  });
  let queued: [number, ValidEvent][] = [];
  const foldAll = () => {
    if (!db.open) return;
    catchUp();
    if (queued.length === 0) return;
    const batch = queued;
    queued = [];
    try {
      withoutWaiting(db, () => foldQueued.immediate(batch));
    } catch (error) {
      // Kept for the next fold: nothing of it was written.
      queued = batch.concat(queued);
      throw error;
    }
  };
  const quietly = () => {
    try {
      foldAll();
    } catch {
      // Kept queued; the next read folds again and reports the failure as its own.
    }
  };
  quietly();
  const timer = setInterval(() => (db.open ? quietly() : clearInterval(timer)), FOLD_INTERVAL_MS);
  timer.unref();
  const fold: QueuedFold = {
    queue(stored) {
      for (const entry of stored) queued.push(entry);
      // The batch is already stored and answered for: a failing fold keeps its events queued.
      if (queued.length >= MAX_QUEUED) quietly();
    },
    async settle() {
      foldAll();
    },
    async close() {
      clearInterval(timer);
    },
  };
  folds.set(db, fold);
  return fold;
}

/** A fold's events sorted by visitor, then id, so each visitor's rows are read and written once per fold, in their own order. */
export function sortByVisitor(batch: [number, ValidEvent][]): ValidEvent[] {
  return [...batch]
    .sort(([ia, a], [ib, b]) => {
      const va = a.anonymousId ?? a.userId!;
      const vb = b.anonymousId ?? b.userId!;
      return va < vb ? -1 : va > vb ? 1 : ia - ib;
    })
    .map(([, e]) => e);
}

// Runs `write` with busy_timeout 0: on the event loop, a write never waits for another process's lock.
function withoutWaiting<T>(db: Db, write: () => T): T {
  const wait = db.pragma('busy_timeout', { simple: true }) as number;
  if (wait !== 0) db.pragma('busy_timeout = 0');
  try {
    return write();
  } finally {
    if (wait !== 0) db.pragma(`busy_timeout = ${wait}`);
  }
}

/**
 * Runs `write` (a write transaction on `db`), retrying it while another connection
 * holds the write lock (a backup, a shell, another collector's fold) without blocking
 * the event loop: after 1, 2, 4, then every 8 ms, for up to `waitMs`, then throws the busy error.
 */
export async function retryWhileBusy<T>(db: Db, waitMs: number, write: () => T): Promise<T> {
  const deadline = performance.now() + waitMs;
  for (let pause = 1; ; pause = Math.min(pause * 2, 8)) {
    try {
      return withoutWaiting(db, write);
    } catch (error) {
      if (!isBusy(error) || performance.now() >= deadline) throw error;
    }
    await sleep(pause);
  }
}
