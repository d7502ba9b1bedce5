/**
 * The collector's storage: accepted batches in, aggregates out. All SQL lives here,
 * as prepared statements compiled once. Nothing here is kept per site in memory: a
 * made-up `?site=` costs an index lookup, not a map entry.
 */
import type { Interaction } from '../src/recommend/cooccurrence';
import { isBusy, type Db } from './database';
import { createAggregateFold } from './aggregate-fold';
import { createAggregate, type Aggregate } from './aggregates';
import { interactionsOf } from './derive';
import type { RulesOf } from './exposure-rules';
import { isServerSignal } from './triggers/signal';
import type { ValidEvent } from './validate-event';

/** What storing a batch did: events newly stored, and events whose messageId was already stored. */
export interface StoreResult {
  stored: number;
  duplicates: number;
}

/** A variant's totals for one segment ("" = no segment). */
export interface VariantTotals {
  placement: string;
  variant: string;
  segment: string;
  impressions: number;
  conversions: number;
}

/** One page of a site's interactions, as {@link EventStore.interactionPage} reads them. */
export interface InteractionPage {
  /** `[kind, productId, visitor, time, order]` rows, `order` null when there is none. */
  rows: InteractionRow[];
  /** Where the next page starts (pass it as `after`). */
  last: number;
}

/** An interaction as a row: compact to read and to post to a worker. */
export type InteractionRow = [kind: Interaction['kind'], productId: string, visitor: string, time: number, order: string | null];

/** The collector's storage, over one open database. */
export interface EventStore {
  /**
   * Stores a validated batch in one transaction; a messageId already stored for the
   * site is skipped. Throws (storing nothing) when the database fails, e.g. with
   * SQLITE_BUSY (see `isBusy`) when another connection holds the write lock.
   */
  storeBatch(events: readonly ValidEvent[], receivedAt: number): StoreResult;
  /** Every variant's totals for a site, ordered by placement, segment, variant. */
  variantTotals(site: string): VariantTotals[];
  /**
   * Which version of a site's product interactions is stored: it changes whenever
   * they do (it is the newest one's row id; 0 for none), so a cached table knows when
   * it is stale, and the rows up to it are exactly what that version holds.
   */
  productsVersion(site: string): number;
  /** Up to `limit` of a site's interactions with row ids in (`after`, `upTo`], oldest first. */
  interactionPage(site: string, after: number, upTo: number, limit: number): InteractionPage;
}

/**
 * Creates the store's prepared statements over an open, migrated database whose
 * busy timeout is `busyTimeoutMs`. `derive` are more hooks called like the
 * aggregates, in the fold's transaction, with newly stored events (trigger state).
 * `rulesOf` gives the aggregates each placement's attribution window and goals.
 */
export function createEventStore(db: Db, busyTimeoutMs: number, derive: readonly Aggregate[] = [], rulesOf?: RulesOf): EventStore {
  const insertEvent = db.prepare<[string, string, string, string | null, string | null, string | null, string, number, string]>(
    `INSERT OR IGNORE INTO events (site, message_id, type, event, anonymous_id, user_id, timestamp, received_at, payload)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertInteraction = db.prepare<[string, string, string, string, number, string | null]>(
    'INSERT INTO interactions (site, kind, product_id, visitor, time, order_id) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const selectVariants = db.prepare<[string], VariantTotals>(
    `SELECT placement, variant, segment, impressions, conversions FROM variant_stats
     WHERE site = ? ORDER BY placement, segment, variant`,
  );
  // Both are answered from the (site) index, which holds the rowid: no table scan.
  const selectVersion = db.prepare<[string]>('SELECT max(rowid) FROM interactions WHERE site = ?').raw(true);
  const selectPage = db
    .prepare<[string, number, number, number]>(
      'SELECT rowid, kind, product_id, visitor, time, order_id FROM interactions WHERE site = ? AND rowid > ? AND rowid <= ? ORDER BY rowid LIMIT ?',
    )
    .raw(true);

  // The trigger state (`derive`) is folded with the aggregates, many batches at once and
  // sorted by visitor, so each visitor's rows are read and written once per fold. The
  // collector's own signals (stored without a batch) are counted where they are recorded
  // and are no visit: the fold skips them, also when it catches up after a restart.
  const aggregate = createAggregate(db, rulesOf);
  const fold = createAggregateFold(db, (events) => {
    const visits = events.some(isServerSignal) ? events.filter((e) => !isServerSignal(e)) : events;
    aggregate(visits);
    for (const hook of derive) hook(visits);
  });

  // Derived rows come only from events actually inserted, so a resent batch changes
  // nothing: the aggregates are exactly-once because the events are. The report's
  // aggregates are folded from them shortly after (aggregate-fold.ts).
  let stored: [number, ValidEvent][] = [];
  const storeAll = db.transaction((events: readonly ValidEvent[], receivedAt: number): StoreResult => {
    stored = [];
    for (const e of events) {
      const { changes, lastInsertRowid } = insertEvent.run(e.site, e.messageId, e.type, e.event, e.anonymousId, e.userId, e.timestamp, receivedAt, e.payload);
      if (changes === 0) continue;
      // Queued without the parsed event: the fold needs its properties, and holding every
      // event's whole object until the fold costs the collector garbage collection.
      stored.push([Number(lastInsertRowid), e.raw ? { ...e, raw: undefined } : e]);
      for (const i of interactionsOf(e)) insertInteraction.run(e.site, i.kind, i.productId, i.visitor, i.time, i.order ?? null);
    }
    return { stored: stored.length, duplicates: events.length - stored.length };
  });

  // Once a write found the lock taken, the next ones do not wait for it at all (each
  // wait blocks the event loop) until one gets through: one short wait per episode.
  let contended = false;
  const setBusyTimeout = (ms: number) => db.pragma(`busy_timeout = ${ms}`);

  return {
    storeBatch(events, receivedAt) {
      try {
        // IMMEDIATE takes the write lock at BEGIN, so a busy database fails before anything is written.
        const result = storeAll.immediate(events, receivedAt);
        // Queued only once committed: a rolled-back batch adds nothing.
        fold.queue(stored);
        if (contended) {
          contended = false;
          setBusyTimeout(busyTimeoutMs);
        }
        return result;
      } catch (error) {
        if (isBusy(error) && !contended) {
          contended = true;
          setBusyTimeout(0);
        }
        throw error;
      }
    },
    variantTotals(site) {
      fold.fold();
      return selectVariants.all(site);
    },
    productsVersion: (site) => Number(selectVersion.get(site)?.[0] ?? 0),
    interactionPage(site, after, upTo, limit) {
      const rows: InteractionRow[] = [];
      let last = after;
      for (const [rowid, kind, productId, visitor, time, order] of selectPage.all(site, after, upTo, limit)) {
        rows.push([kind as Interaction['kind'], productId as string, visitor as string, time as number, order as string | null]);
        last = rowid as number;
      }
      return { rows, last };
    },
  };
}
