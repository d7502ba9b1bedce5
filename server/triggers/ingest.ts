/**
 * What is kept for trigger detection, as newly stored events are folded (with the
 * report's aggregates, exactly once): the visitors' rows, carts and product views, and
 * the pending signals they arm or disarm. A visitor's row is written once per fold;
 * a product view or a cart change costs one or two indexed statements.
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

/** Returns the ingest hook: call it with newly stored events, inside the fold's transaction. */
export function createTriggerIngest(db: Db, sites: SiteRegistry, { pending, carts, browse }: TriggerIngestParts): (events: readonly ValidEvent[]) => void {
  const batch = createVisitorBatch(db);
  return (events) => {
    const visitors = batch();
    // Settings are looked up once per site and fold (an open registry builds them on each call).
    const settingsOf = new Map<string, ReturnType<SiteRegistry['get']>>();
    const site = (id: string) => (settingsOf.has(id) ? settingsOf.get(id) : settingsOf.set(id, sites.get(id)).get(id));
    for (const e of events) {
      const settings = site(e.site);
      if (!settings) continue;
      const { triggers } = settings;
      const id = e.anonymousId ?? e.userId;
      if (id === null) continue;
      const v = visitors.change(e.site, id, e.time);
      v.first = Math.min(v.first, e.time);
      v.last = Math.max(v.last, e.time);
      if (e.anonymousId !== null) v.anonymousId = e.anonymousId;
      if (e.userId !== null) v.userId = e.userId;
      if (e.type === 'identify') {
        const traits = (JSON.parse(e.payload) as { traits?: unknown }).traits;
        if (traits && typeof traits === 'object' && !Array.isArray(traits)) {
          const kept = keptTraits(settings, traits as Record<string, unknown>);
          if (Object.keys(kept).length) v.traits = { ...v.traits, ...kept };
        }
      }
      if (e.type !== 'track') continue;
      const name = e.event;
      if (name === 'Product Viewed') {
        browse.viewed(e.site, id, e.properties, e.time, triggers.browseViews, triggers.browseAbandonedMinutes * 60_000);
        const category = categoryOf(e.properties);
        if (category) v.affinity.push([category, AFFINITY.view, e.time]);
      } else if (name === 'Product Added' || name === 'Product Removed') {
        carts.change(e.site, id, name, e.properties, e.time, triggers.cartAbandonedMinutes * 60_000);
        if (name === 'Product Added') {
          browse.carted(e.site, id);
          for (const p of productsOf(e.properties)) {
            const category = categoryOf(p);
            if (category) v.affinity.push([category, AFFINITY.add, e.time]);
          }
        }
      } else if (name === 'Order Completed') {
        v.orders++;
        v.lastOrder = Math.max(v.lastOrder, e.time);
        carts.ordered(e.site, id, e.time);
        armWinBack(pending, e.site, id, e.time, triggers.winBackDays);
        const products = Array.isArray(e.properties.products) ? productsOf(e.properties) : [];
        browse.bought(e.site, id, products.map((p) => cleanId(p.product_id)).filter((p): p is string => p !== null));
        for (const p of products) {
          const category = categoryOf(p);
          if (category) v.affinity.push([category, AFFINITY.order, e.time]);
        }
      }
    }
    visitors.flush();
  };
}
