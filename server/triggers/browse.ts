/**
 * Browse Abandoned on the collector: a product viewed at least the site's
 * `browseViews` times, not carted or bought, and no visit for `browseAbandonedMinutes`
 * since. The views per visitor and product are kept as events are folded (fold.ts;
 * they also say who viewed a product when it comes back in stock or its price drops).
 */
import { describeProduct } from '../../src/recommend/triggers';
import type { Db } from '../database';
import { STALE_MS } from './cart';
import type { CatalogStore } from './catalog';
import type { DueDetector } from './pending';

/** Views further apart than this start a new count: a browse is one spell of interest. */
export const BROWSE_SPELL_MS = 7 * 864e5;

/** The views' detector. */
export interface BrowseStore {
  detector: DueDetector;
}

interface ViewRow {
  views: number;
  last_view: number;
  price: number | null;
  bought: number;
}

/** Prepares the statements over a migrated database. */
export function createBrowseStore(db: Db, catalog: CatalogStore): BrowseStore {
  const select = db.prepare<[string, string, string], ViewRow>('SELECT views, last_view, price, bought FROM trigger_views WHERE site = ? AND product_id = ? AND visitor = ?');
  const resetViews = db.prepare<[string, string, string]>('UPDATE trigger_views SET views = 0 WHERE site = ? AND product_id = ? AND visitor = ?');

  return {
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
