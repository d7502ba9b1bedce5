/**
 * Browse Abandoned on the collector: a product viewed at least the site's
 * `browseViews` times, not carted or bought, and no visit for `browseAbandonedMinutes`
 * since. The views per visitor and product are kept at ingest (they also say who
 * viewed a product when it comes back in stock or its price drops).
 */
import { describeProduct } from '../../src/recommend/triggers';
import { amount, cleanId } from '../aggregate-read';
import type { Db } from '../database';
import { STALE_MS } from './cart';
import type { CatalogStore } from './catalog';
import type { DueDetector, PendingStore } from './pending';

/** Views further apart than this start a new count: a browse is one spell of interest. */
export const BROWSE_SPELL_MS = 7 * 864e5;

/** The views' statements, for ingest and for the detector. */
export interface BrowseStore {
  /** Counts a `Product Viewed` at `time`; arms the signal once the product reaches `views` views. */
  viewed(site: string, visitor: string, properties: Record<string, unknown>, time: number, views: number, windowMs: number): void;
  /** The visitor carted something: nothing they browsed is abandoned now (a cart signal may be). */
  carted(site: string, visitor: string): void;
  /** The visitor bought these products. */
  bought(site: string, visitor: string, productIds: readonly string[]): void;
  detector: DueDetector;
}

interface ViewRow {
  views: number;
  last_view: number;
  price: number | null;
  bought: number;
}

/** Prepares the statements over a migrated database. */
export function createBrowseStore(db: Db, pending: PendingStore, catalog: CatalogStore): BrowseStore {
  const select = db.prepare<[string, string, string], ViewRow>('SELECT views, last_view, price, bought FROM trigger_views WHERE site = ? AND product_id = ? AND visitor = ?');
  // One statement per view: counts it (starting again after a long gap) and says the result.
  const count = db.prepare<[string, string, string, number, number | null, number], { views: number; last_view: number; bought: number }>(
    `INSERT INTO trigger_views (site, product_id, visitor, views, last_view, price) VALUES (?, ?, ?, 1, ?, ?)
     ON CONFLICT (site, product_id, visitor) DO UPDATE SET
       views = CASE WHEN excluded.last_view - last_view <= ? THEN views + 1 ELSE 1 END,
       last_view = max(last_view, excluded.last_view), price = coalesce(excluded.price, price)
     RETURNING views, last_view, bought`,
  );
  const markBought = db.prepare<[string, string, string]>('UPDATE trigger_views SET bought = 1 WHERE site = ? AND product_id = ? AND visitor = ?');
  const resetViews = db.prepare<[string, string, string]>('UPDATE trigger_views SET views = 0 WHERE site = ? AND product_id = ? AND visitor = ?');

  return {
    viewed(site, visitor, properties, time, threshold, windowMs) {
      const id = cleanId(properties.product_id) ?? cleanId(properties.sku);
      if (id === null) return;
      const row = count.get(site, id, visitor, time, amount(properties.price), BROWSE_SPELL_MS)!;
      if (row.views >= threshold && !row.bought) pending.arm(site, visitor, 'browse', id, row.last_view, row.last_view + windowMs);
    },
    carted: (site, visitor) => pending.cancel(site, visitor, 'browse'),
    bought(site, visitor, productIds) {
      for (const id of productIds) markBought.run(site, id, visitor);
      pending.cancel(site, visitor, 'browse');
    },
    detector: {
      kind: 'browse',
      event: 'Browse Abandoned',
      windowMs: (timing) => timing.browseAbandonedMinutes * 60_000,
      staleAfterMs: STALE_MS,
      fire(row) {
        const views = select.get(row.site, row.subject, row.visitor);
        if (!views || views.bought) return null;
        // Counting starts again, so only a new spell of views can signal this product again.
        resetViews.run(row.site, row.subject, row.visitor);
        const product = catalog.product(row.site, row.subject);
        const properties = product ? describeProduct(product) : { product_id: row.subject };
        return { cause: `${row.subject}\0${views.last_view}`, properties: { ...properties, views: views.views } };
      },
    },
  };
}
