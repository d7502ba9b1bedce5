/**
 * Signals that wait for time to pass (an abandoned cart, a browse, a lapsed
 * customer): one `trigger_pending` row per visitor and kind, armed as events are folded
 * (fold.ts) with the time it falls due, read back by its `due_at` index. A detector for each kind says
 * how long the visitor must have been away and what the signal carries.
 */
import type { JsonObject } from '../../src/core/types';
import type { Db } from '../database';
import type { TriggerTiming } from '../sites';
import type { SignalName } from './signal';
import type { VisitorRow } from './visitors';

/** One waiting signal. */
export interface PendingRow {
  site: string;
  visitor: string;
  /** The detector's kind, e.g. `cart`. */
  kind: string;
  /** What it is about within the kind (a product id for `browse`; "" otherwise). */
  subject: string;
  /** When its cause happened (the cart's last change, the last view…). */
  cause_at: number;
  due_at: number;
}

/** A detector of signals that fall due (registered in server/triggers/detect.ts). */
export interface DueDetector {
  kind: string;
  event: SignalName;
  /** How long after the visitor's last event the signal is due, from the site's settings. */
  windowMs(timing: TriggerTiming): number;
  /**
   * A signal due longer ago than this is dropped unsent (after an outage, or for a history
   * imported late): a week-old "you left something in your cart" helps nobody. None when absent.
   */
  staleAfterMs?: number;
  /** Stays armed after it fires, looked at again a window later (Win-back: a later absence is a new cause). */
  recurring?: boolean;
  /**
   * The signal's cause and properties, or null when it no longer applies. `visitor` is
   * the person: the latest visit and order over their devices. Runs in a write transaction.
   */
  fire(row: PendingRow, visitor: VisitorRow, now: number): { cause: string; properties: JsonObject } | null;
}

/** The pending rows' statements for detection (the fold arms and disarms them: fold.ts). */
export interface PendingStore {
  /** Up to `limit` rows due at `now`, soonest first. */
  due(now: number, limit: number): PendingRow[];
  /** The visitor came back: the row waits until `dueAt`. */
  postpone(row: PendingRow, dueAt: number): void;
  remove(row: PendingRow): void;
}

/** Prepares the statements over a migrated database. */
export function createPendingStore(db: Db): PendingStore {
  const cancelOne = db.prepare<[string, string, string, string]>('DELETE FROM trigger_pending WHERE site = ? AND visitor = ? AND kind = ? AND subject = ?');
  const selectDue = db.prepare<[number, number], PendingRow>('SELECT * FROM trigger_pending WHERE due_at <= ? ORDER BY due_at LIMIT ?');
  const setDue = db.prepare<[number, string, string, string, string]>(
    'UPDATE trigger_pending SET due_at = ? WHERE site = ? AND visitor = ? AND kind = ? AND subject = ?',
  );
  return {
    due: (now, limit) => selectDue.all(now, limit),
    postpone: (row, dueAt) => void setDue.run(dueAt, row.site, row.visitor, row.kind, row.subject),
    remove: (row) => void cancelOne.run(row.site, row.visitor, row.kind, row.subject),
  };
}
