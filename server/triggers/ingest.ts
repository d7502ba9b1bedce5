/**
 * What ingest keeps for trigger detection, in the transaction that stores a batch,
 * for newly stored events only (so a resent batch changes nothing): the visitors'
 * rows, carts, product views and category affinities, and the pending signals they
 * arm or disarm. The work per event is a few indexed reads and writes.
 */
import type { Db } from '../database';
import type { SiteRegistry } from '../sites';
import type { ValidEvent } from '../validate-event';
import { cleanId } from '../aggregate-read';
import type { BrowseStore } from './browse';
import { productsOf, type CartStore } from './cart';
import type { PendingStore } from './pending';
import { AFFINITY, createVisitorBatch, keptTraits } from './visitors';
import { armWinBack } from './winback';

/** Parts ingest updates. */
export interface TriggerIngestParts {
  pending: PendingStore;
  carts: CartStore;
  browse: BrowseStore;
}

const categoryOf = (product: Record<string, unknown>) => (typeof product.category === 'string' && product.category ? product.category : null);

/** Returns the ingest hook: call it with a batch's newly stored events, inside its transaction. */
export function createTriggerIngest(db: Db, sites: SiteRegistry, { pending, carts, browse }: TriggerIngestParts): (events: readonly ValidEvent[]) => void {
  const batch = createVisitorBatch(db);
  return (events) => {
    const visitors = batch();
    // Settings are looked up once per site and batch (an open registry builds them on each call).
    const settingsOf = new Map<string, ReturnType<SiteRegistry['get']>>();
    const site = (id: string) => (settingsOf.has(id) ? settingsOf.get(id) : settingsOf.set(id, sites.get(id)).get(id));
    for (const e of events) {
      const settings = site(e.site);
      if (!settings) continue;
      const { triggers } = settings;
      const id = e.anonymousId ?? e.userId;
      if (id === null) continue;
      const v = visitors.get(e.site, id, e.time);
      v.first_seen = Math.min(v.first_seen, e.time);
      v.last_seen = Math.max(v.last_seen, e.time);
      if (e.anonymousId !== null) v.anonymous_id = e.anonymousId;
      if (e.userId !== null) v.user_id = e.userId;
      if (e.type === 'identify') {
        const traits = (JSON.parse(e.payload) as { traits?: unknown }).traits;
        if (traits && typeof traits === 'object' && !Array.isArray(traits)) {
          const kept = keptTraits(settings, traits as Record<string, unknown>);
          if (Object.keys(kept).length) v.traits = JSON.stringify({ ...JSON.parse(v.traits), ...kept });
        }
      }
      if (e.type !== 'track') continue;
      const name = e.event;
      if (name === 'Product Viewed') {
        browse.viewed(e.site, id, e.properties, e.time, triggers.browseViews, triggers.browseAbandonedMinutes * 60_000);
        const category = categoryOf(e.properties);
        if (category) visitors.affinity(v, category, AFFINITY.view, e.time);
      } else if (name === 'Product Added' || name === 'Product Removed') {
        carts.change(e.site, id, name, e.properties, e.time, triggers.cartAbandonedMinutes * 60_000);
        if (name === 'Product Added') {
          browse.carted(e.site, id);
          for (const p of productsOf(e.properties)) {
            const category = categoryOf(p);
            if (category) visitors.affinity(v, category, AFFINITY.add, e.time);
          }
        }
      } else if (name === 'Order Completed') {
        v.orders++;
        v.last_order = Math.max(v.last_order, e.time);
        carts.ordered(e.site, id, e.time);
        const products = Array.isArray(e.properties.products) ? productsOf(e.properties) : [];
        browse.bought(e.site, id, products.map((p) => cleanId(p.product_id)).filter((p): p is string => p !== null));
        for (const p of products) {
          const category = categoryOf(p);
          if (category) visitors.affinity(v, category, AFFINITY.order, e.time);
        }
      }
    }
    for (const v of visitors.flush()) armWinBack(pending, v, site(v.site)!.triggers.winBackDays);
  };
}
