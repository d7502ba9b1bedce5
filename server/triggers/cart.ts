/**
 * Cart Abandoned on the collector: each visitor's cart, kept from `Product Added`,
 * `Product Removed` and `Order Completed` as the profile on the device keeps it, and
 * a pending signal armed at each change of a non-empty cart. It fires once the cart
 * has waited the site's `cartAbandonedMinutes` with no order and no visit since.
 */
import type { JsonObject } from '../../src/core/types';
import { cartProperties, type CartLine } from '../../src/recommend/triggers';
import type { Product } from '../../src/recommend/catalog';
import { amount, cleanId } from '../aggregate-read';
import type { Db } from '../database';
import type { CatalogStore } from './catalog';
import type { DueDetector, PendingStore } from './pending';

/** A cart or browse signal due more than a week ago is dropped unsent. */
export const STALE_MS = 7 * 864e5;

/** Segment's e-commerce events carry one product in `properties`, or several in `properties.products`. */
export const productsOf = (properties: Record<string, unknown>): Record<string, unknown>[] =>
  (Array.isArray(properties.products) ? properties.products.filter((p) => p && typeof p === 'object') : [properties]) as Record<string, unknown>[];

/** The carts' statements, for ingest and for the detector. */
export interface CartStore {
  /** Applies a cart event (`Product Added` or `Product Removed`) at `time`; arms or disarms the signal. */
  change(site: string, visitor: string, name: string, properties: Record<string, unknown>, time: number, windowMs: number): void;
  /** An order empties the cart and disarms its signal. */
  ordered(site: string, visitor: string, time: number): void;
  /** The detector. */
  detector: DueDetector;
}

/** Prepares the statements over a migrated database. */
export function createCartStore(db: Db, pending: PendingStore, catalog: CatalogStore): CartStore {
  const select = db.prepare<[string, string], { items: string; updated_at: number }>('SELECT items, updated_at FROM trigger_carts WHERE site = ? AND visitor = ?');
  const put = db.prepare<[string, string, string, number]>(
    `INSERT INTO trigger_carts (site, visitor, items, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (site, visitor) DO UPDATE SET items = excluded.items, updated_at = excluded.updated_at`,
  );
  const drop = db.prepare<[string, string]>('DELETE FROM trigger_carts WHERE site = ? AND visitor = ?');

  return {
    change(site, visitor, name, properties, time, windowMs) {
      const row = select.get(site, visitor);
      // An outbox sent late can deliver an old change after a newer one: it does not rewind the cart's clock.
      const items = (row ? JSON.parse(row.items) : []) as CartLine[];
      for (const product of productsOf(properties)) {
        const id = cleanId(product.product_id) ?? cleanId(product.sku);
        if (id === null) continue;
        const quantity = Math.max(1, amount(product.quantity) ?? 1);
        const line = items.find((item) => item.product_id === id);
        if (line) line.quantity += name === 'Product Added' ? quantity : -quantity;
        else if (name === 'Product Added') items.push({ product_id: id, quantity, price: amount(product.price) ?? 0 });
      }
      const kept = items.filter((item) => item.quantity > 0);
      const updatedAt = Math.max(time, row?.updated_at ?? 0);
      if (kept.length === 0) {
        drop.run(site, visitor);
        pending.cancel(site, visitor, 'cart');
        return;
      }
      put.run(site, visitor, JSON.stringify(kept), updatedAt);
      pending.arm(site, visitor, 'cart', '', updatedAt, updatedAt + windowMs);
    },
    ordered(site, visitor) {
      drop.run(site, visitor);
      pending.cancel(site, visitor, 'cart');
    },
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
