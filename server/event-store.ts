/**
 * The collector's storage: accepted batches in, aggregates out. All SQL lives here,
 * as prepared statements compiled once. Nothing here is kept per site in memory: a
 * made-up `?site=` costs an index lookup, not a map entry.
 */
import type { Interaction } from '../src/recommend/cooccurrence';
import { retryWhileBusy, settleFold } from './aggregate-fold';
import type { Db } from './database';
import { interactionsOf } from './derive';
import type { ErasureKeyOfBatch } from './erasure/batch-key';
import type { ValidEvent } from './validate-event';

export type { ErasureKeyOfBatch };

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

/** Where accepted batches are written: on this thread, or by the writer thread (writer.ts). */
export interface BatchWriter {
  /**
   * Stores a validated batch in one transaction, with its erasure key if it carries one;
   * a messageId already stored for the site is skipped. While another connection holds
   * the write lock it retries without blocking the event loop, for up to the busy
   * timeout. Rejects (storing nothing) when the database fails, e.g. with SQLITE_BUSY
   * (see `isBusy`) when the lock stayed taken.
   */
  storeBatch(events: readonly ValidEvent[], receivedAt: number, erasureKey?: ErasureKeyOfBatch): Promise<StoreResult>;
}

/** The collector's storage, over one open database. */
export interface EventStore extends BatchWriter {
  /** Every variant's totals for a site, ordered by placement, segment, variant, with every stored event folded in. */
  variantTotals(site: string): Promise<VariantTotals[]>;
  /**
   * Which version of a site's product interactions is stored: it changes whenever
   * they do (it is the newest one's row id; 0 for none), so a cached table knows when
   * it is stale, and the rows up to it are exactly what that version holds.
   */
  productsVersion(site: string): number;
  /** Up to `limit` of a site's interactions with row ids in (`after`, `upTo`], oldest first. */
  interactionPage(site: string, after: number, upTo: number, limit: number): InteractionPage;
}

/** Called with each committed batch's newly stored events and their row ids, in id order: the fold's queue. */
export type OnStored = (stored: readonly [id: number, event: ValidEvent][]) => void;

/**
 * Prepares the batch writes over an open, migrated database whose busy timeout is
 * `busyTimeoutMs`. The aggregates are folded from the stored events (aggregate-fold.ts),
 * which `onStored` hands over once the batch is committed. A busy lock is waited for
 * asynchronously, also on the writer thread: batches waiting there wait side by side,
 * each for up to the busy timeout, not one after another.
 */
export function createBatchWriter(db: Db, busyTimeoutMs: number, onStored: OnStored = () => undefined): BatchWriter {
  const insertEvent = db.prepare<[string, string, string, string | null, string | null, string | null, string, number, string]>(
    `INSERT OR IGNORE INTO events (site, message_id, type, event, anonymous_id, user_id, timestamp, received_at, payload)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertInteraction = db.prepare<[string, string, string, string, number, string | null]>(
    'INSERT INTO interactions (site, kind, product_id, visitor, time, order_id) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const insertKey = db.prepare<[string, string, string, number]>(
    'INSERT OR IGNORE INTO erasure_keys (site, anonymous_id, hash, created_at) VALUES (?, ?, ?, ?)',
  );

  // Derived rows come only from events actually inserted, so a resent batch changes
  // nothing: the aggregates are exactly-once because the events are. The report's
  // aggregates are folded from them shortly after (aggregate-fold.ts).
  let stored: [number, ValidEvent][] = [];
  const storeAll = db.transaction((events: readonly ValidEvent[], receivedAt: number, key: ErasureKeyOfBatch | undefined): StoreResult => {
    stored = [];
    for (const e of events) {
      const { changes, lastInsertRowid } = insertEvent.run(e.site, e.messageId, e.type, e.event, e.anonymousId, e.userId, e.timestamp, receivedAt, e.payload);
      if (changes === 0) continue;
      // Handed on without the parsed event: the fold needs its properties, and holding every
      // event's whole object until the fold costs the collector garbage collection.
      stored.push([Number(lastInsertRowid), e.raw ? { ...e, raw: undefined } : e]);
      for (const i of interactionsOf(e)) insertInteraction.run(e.site, i.kind, i.productId, i.visitor, i.time, i.order ?? null);
    }
    if (key) insertKey.run(key.site, key.anonymousId, key.hash, receivedAt);
    return { stored: stored.length, duplicates: events.length - stored.length };
  });
  return {
    async storeBatch(events, receivedAt, erasureKey) {
      // IMMEDIATE takes the write lock at BEGIN, so a busy database fails before anything is written.
      const write = () => storeAll.immediate(events, receivedAt, erasureKey);
      const result = await retryWhileBusy(db, busyTimeoutMs, write);
      // Handed on only once committed: a rolled-back batch adds nothing.
      onStored(stored);
      return result;
    },
  };
}

/**
 * Creates the store over an open, migrated database: batches go to `writer`, reads
 * come from `db`. `variantTotals` settles the fold first.
 */
export function createEventStore(db: Db, writer: BatchWriter): EventStore {
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

  return {
    storeBatch: (events, receivedAt, erasureKey) => writer.storeBatch(events, receivedAt, erasureKey),
    async variantTotals(site) {
      await settleFold(db);
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
