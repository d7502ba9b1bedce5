/**
 * The collector's storage: accepted batches in, aggregates out. All SQL lives here,
 * as prepared statements compiled once.
 */
import type { Interaction } from '../src/recommend/cooccurrence';
import type { Db } from './database';
import { interactionsOf, variantCount } from './derive';
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

/** The collector's storage, over one open database. */
export interface EventStore {
  /** Stores a validated batch in one transaction; a messageId already stored for the site is skipped. */
  storeBatch(events: readonly ValidEvent[], receivedAt: number): StoreResult;
  /** Every variant's totals for a site, ordered by placement, segment, variant. */
  variantTotals(site: string): VariantTotals[];
  /** Every product interaction of a site. */
  interactions(site: string): Interaction[];
  /**
   * A counter that changes whenever a site's product interactions do (in this
   * process), so a cached co-occurrence table knows when it is stale.
   */
  productsVersion(site: string): number;
}

// What the write transaction hands back: the counts, and the sites whose interactions changed.
type Written = StoreResult & { touched: Set<string> };

/** Creates the store's prepared statements over an open, migrated database. */
export function createEventStore(db: Db): EventStore {
  const insertEvent = db.prepare<[string, string, string, string | null, string | null, string | null, string, number, string]>(
    `INSERT OR IGNORE INTO events (site, message_id, type, event, anonymous_id, user_id, timestamp, received_at, payload)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const bumpVariant = db.prepare<[string, string, string, string, number, number]>(
    `INSERT INTO variant_stats (site, placement, variant, segment, impressions, conversions) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (site, placement, variant, segment)
     DO UPDATE SET impressions = impressions + excluded.impressions, conversions = conversions + excluded.conversions`,
  );
  const insertInteraction = db.prepare<[string, string, string, string, number, string | null]>(
    'INSERT INTO interactions (site, kind, product_id, visitor, time, order_id) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const selectVariants = db.prepare<[string], VariantTotals>(
    `SELECT placement, variant, segment, impressions, conversions FROM variant_stats
     WHERE site = ? ORDER BY placement, segment, variant`,
  );
  const selectInteractions = db
    .prepare<[string]>('SELECT kind, product_id, visitor, time, order_id FROM interactions WHERE site = ?')
    .raw(true);
  const versions = new Map<string, number>();

  // Derived rows are written only for events actually inserted, so a resent batch
  // changes nothing: the aggregates are exactly-once because the events are.
  const storeAll = db.transaction((events: readonly ValidEvent[], receivedAt: number): Written => {
    let stored = 0;
    const touched = new Set<string>();
    for (const e of events) {
      const { changes } = insertEvent.run(e.site, e.messageId, e.type, e.event, e.anonymousId, e.userId, e.timestamp, receivedAt, e.payload);
      if (changes === 0) continue;
      stored++;
      const count = variantCount(e);
      if (count) bumpVariant.run(e.site, count.placement, count.variant, count.segment, count.impressions, count.conversions);
      for (const i of interactionsOf(e)) {
        insertInteraction.run(e.site, i.kind, i.productId, i.visitor, i.time, i.order ?? null);
        touched.add(e.site);
      }
    }
    return { stored, duplicates: events.length - stored, touched };
  });

  return {
    storeBatch(events, receivedAt) {
      const { stored, duplicates, touched } = storeAll(events, receivedAt);
      // Bumped after the commit: a reader never sees a new version with old rows.
      for (const site of touched) versions.set(site, (versions.get(site) ?? 0) + 1);
      return { stored, duplicates };
    },
    variantTotals: (site) => selectVariants.all(site),
    interactions: (site) =>
      selectInteractions.all(site).map(([kind, productId, visitor, time, order]) => ({
        kind: kind as Interaction['kind'],
        productId: productId as string,
        visitor: visitor as string,
        time: time as number,
        ...(order === null ? {} : { order: order as string }),
      })),
    productsVersion: (site) => versions.get(site) ?? 0,
  };
}
