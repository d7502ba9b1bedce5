/**
 * Cart Abandoned on the collector: each visitor's cart, kept from `Product Added`,
 * `Product Removed` and `Order Completed` as the profile on the device keeps it (fold.ts),
 * and a pending signal armed at each change of a non-empty cart. It fires once the cart
 * has waited the site's `cartAbandonedMinutes` with no order and no visit since.
 */
import type { JsonObject } from '../../src/core/types';
import { cartProperties, type CartLine } from '../../src/recommend/triggers';
import type { Product } from '../../src/recommend/catalog';
import type { Db } from '../database';
import type { CatalogStore } from './catalog';
import type { DueDetector } from './pending';

/** A cart or browse signal due more than a week ago is dropped unsent. */
export const STALE_MS = 7 * 864e5;

/** Segment's e-commerce events carry one product in `properties`, or several in `properties.products`. */
export const productsOf = (properties: Record<string, unknown>): Record<string, unknown>[] =>
  (Array.isArray(properties.products) ? properties.products.filter((p) => p && typeof p === 'object') : [properties]) as Record<string, unknown>[];

/** The carts' detector (carts are kept by fold.ts). */
export interface CartStore {
  detector: DueDetector;
}

/** Prepares the statements over a migrated database. */
export function createCartStore(db: Db, catalog: CatalogStore): CartStore {
  const select = db.prepare<[string, string], { items: string; updated_at: number }>('SELECT items, updated_at FROM trigger_carts WHERE site = ? AND visitor = ?');
  return {
    detector: {
      kind: 'cart',
      event: 'Cart Abandoned',
      windowMs: (timing) => timing.cartAbandonedMinutes * 60_000,
      staleAfterMs: STALE_MS,
      fire(row, person) {
        const cart = select.get(row.site, row.visitor);
        // An order since the cart's last change, on this device or another of the person's, settles it.
        if (!cart || person.last_order >= cart.updated_at) return null;
        const items = JSON.parse(cart.items) as CartLine[];
        const known = items.map((item) => catalog.product(row.site, item.product_id)).filter((p): p is Product => p !== undefined);
        const properties: JsonObject = cartProperties(items, cart.updated_at, known);
        // One signal per state of the cart: a later change is a new cause.
        return { cause: String(cart.updated_at), properties };
      },
    },
  };
}
