/**
 * Folds newly stored events into the report's aggregates a little after they are
 * stored, many batches at once, instead of inside each batch's transaction.
 *
 * Why: the aggregates' cost is writes of daily rows that every visitor shares (a
 * variant's day, the site's counts). Inside a 50-event batch each is written once per
 * batch; folded every quarter second, once per fold. Events are sorted by visitor, so
 * each visitor's rows are read and written once per fold too, in their own order.
 *
 * Exactly once: the fold's transaction writes the aggregates and advances a mark (the
 * highest event row id folded) together. Events stored but not yet folded when the
 * process stops are folded from the table at the next start (`catchUp`). Every read of
 * the aggregates folds first, so a reader never sees a batch that was acknowledged but
 * not counted.
 */
import { storedEvent, type StoredRow } from './aggregate-replay';
import type { Aggregate } from './aggregates';
import { isBusy, type Db } from './database';
import type { ValidEvent } from './validate-event';

/** How often queued events are folded, in ms. */
export const FOLD_INTERVAL_MS = 250;
/** Queued events beyond which a fold runs at once, bounding memory and lag under a burst. */
export const MAX_QUEUED = 5000;

/** Queues stored events and folds them into the aggregates. */
export interface AggregateFold {
  /** Queues events of a committed batch, with their row ids, in id order. */
  queue(stored: readonly [id: number, event: ValidEvent][]): void;
  /** Folds everything queued now (a no-op when nothing is). */
  fold(): void;
}

const folds = new WeakMap<Db, AggregateFold>();

/** Folds what is queued for `db` before its aggregates are read (no-op without a fold). */
export function foldPending(db: Db): void {
  folds.get(db)?.fold();
}

/**
 * Creates the fold for `db`, first folding events stored before the last stop but never
 * folded, then every {@link FOLD_INTERVAL_MS} while the database is open.
 */
export function createAggregateFold(db: Db, aggregate: Aggregate): AggregateFold {
  // Schema-2 files written before the mark existed were folded at ingest, wholly: their mark is their last event.
  const hasMark = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'aggregate_mark'").get() !== undefined;
  if (!hasMark) {
    db.exec('CREATE TABLE aggregate_mark (id INTEGER PRIMARY KEY CHECK (id = 0), last_event INTEGER NOT NULL)');
    db.exec('INSERT INTO aggregate_mark (id, last_event) SELECT 0, coalesce(max(id), 0) FROM events');
  }
  const readMark = db.prepare<[], { last_event: number }>('SELECT last_event FROM aggregate_mark WHERE id = 0');
  const setMark = db.prepare<[number]>('UPDATE aggregate_mark SET last_event = ? WHERE id = 0');
  const unfolded = db.prepare<[number, number], StoredRow>(
    'SELECT id, site, type, event, message_id, timestamp, anonymous_id, user_id, payload FROM events WHERE id > ? ORDER BY id LIMIT ?',
  );

  const apply = db.transaction((batch: [number, ValidEvent][]) => {
    const byVisitor = [...batch].sort(([ia, a], [ib, b]) => {
      const va = a.anonymousId ?? a.userId!;
      const vb = b.anonymousId ?? b.userId!;
      return va < vb ? -1 : va > vb ? 1 : ia - ib;
    });
    aggregate(byVisitor.map(([, e]) => e));
    setMark.run(batch[batch.length - 1][0]);
  });

  // Catch up, a page at a time, before anything new is stored.
  for (let mark = readMark.get()!.last_event; ; ) {
    const rows = unfolded.all(mark, MAX_QUEUED);
    if (rows.length === 0) break;
    apply.immediate(rows.map((row): [number, ValidEvent] => [row.id, storedEvent(row)]));
    mark = rows[rows.length - 1].id;
  }

  let queued: [number, ValidEvent][] = [];
  const fold = () => {
    if (queued.length === 0 || !db.open) return;
    const batch = queued;
    queued = [];
    // A fold never waits for another process's write lock: a read that folds first must not
    // wait on a writer, and the timer simply tries again.
    const wait = db.pragma('busy_timeout', { simple: true }) as number;
    if (wait !== 0) db.pragma('busy_timeout = 0');
    try {
      apply.immediate(batch);
    } catch (error) {
      // Kept for the next fold: nothing of it was written. A busy database is retried quietly.
      queued = batch.concat(queued);
      if (!isBusy(error)) throw error;
    } finally {
      if (wait !== 0) db.pragma(`busy_timeout = ${wait}`);
    }
  };
  const timer = setInterval(() => {
    if (!db.open) return clearInterval(timer);
    try {
      fold();
    } catch {
      // Kept queued; the next read folds again and reports the failure as its own.
    }
  }, FOLD_INTERVAL_MS);
  timer.unref();

  const result: AggregateFold = {
    queue(stored) {
      for (const entry of stored) queued.push(entry);
      // The batch is already stored and answered for: a failing fold keeps its events queued.
      if (queued.length >= MAX_QUEUED) {
        try {
          fold();
        } catch {
          // As on the timer.
        }
      }
    },
    fold,
  };
  folds.set(db, result);
  return result;
}
