/**
 * A site's catalog on the collector, pushed by the site (`PUT /v1/catalog`) and
 * checked by the SDK's own `validateCatalog`. Storing a new version compares it with
 * the last one, product by product, and turns what changed for shoppers into jobs:
 * a product back in stock, a lower price, a new arrival. The jobs reach the visitors
 * concerned later, a page at a time (server/triggers/catalog-signals.ts), so a push
 * costs what the catalog costs, never what the visitors' history does.
 */
import type { Product } from '../../src/recommend/catalog';
import type { Db } from '../database';
import type { SignalName } from './signal';

/** A product counts as new this long after its `createdAt`, as on the device (14 days). */
export const NEW_ARRIVAL_MS = 14 * 864e5;

/** What storing a catalog changed. */
export interface CatalogChanges {
  products: number;
  added: number;
  changed: number;
  removed: number;
  /** Signal jobs queued, by name. */
  jobs: Partial<Record<SignalName, number>>;
}

/** The stored catalog's statements. */
export interface CatalogStore {
  /** Replaces the site's catalog with `products` at `now`, queuing the jobs its changes make. One transaction. */
  replace(site: string, products: readonly Product[], now: number): CatalogChanges;
  /** The stored product, or undefined. */
  product(site: string, productId: string): Product | undefined;
}

/** Prepares the statements over a migrated database. */
export function createCatalogStore(db: Db): CatalogStore {
  const selectAll = db.prepare<[string], { product_id: string; product: string }>('SELECT product_id, product FROM trigger_catalog WHERE site = ?');
  const selectOne = db.prepare<[string, string], { product: string }>('SELECT product FROM trigger_catalog WHERE site = ? AND product_id = ?');
  const put = db.prepare<[string, string, string]>(
    `INSERT INTO trigger_catalog (site, product_id, product) VALUES (?, ?, ?)
     ON CONFLICT (site, product_id) DO UPDATE SET product = excluded.product`,
  );
  const drop = db.prepare<[string, string]>('DELETE FROM trigger_catalog WHERE site = ? AND product_id = ?');
  const addJob = db.prepare<[string, string, string, number, number | null, string]>(
    'INSERT INTO trigger_jobs (site, event, product_id, cause_at, previous_price, audience) VALUES (?, ?, ?, ?, ?, ?)',
  );

  const replace = db.transaction((site: string, products: readonly Product[], now: number): CatalogChanges => {
    const before = new Map(selectAll.all(site).map((row) => [row.product_id, row.product]));
    const changes: CatalogChanges = { products: products.length, added: 0, changed: 0, removed: 0, jobs: {} };
    const job = (event: SignalName, p: Product, previousPrice: number | null = null, audience = '') => {
      addJob.run(site, event, p.id, now, previousPrice, audience);
      changes.jobs[event] = (changes.jobs[event] ?? 0) + 1;
    };
    // Newest first, so a visitor who may hear of one new arrival a day hears of the newest.
    const arrivals: Product[] = [];
    for (const p of products) {
      const json = JSON.stringify(p);
      const stored = before.get(p.id);
      before.delete(p.id);
      if (stored === json) continue;
      put.run(site, p.id, json);
      if (stored === undefined) {
        changes.added++;
        if (p.inStock && p.createdAt !== undefined && now - p.createdAt <= NEW_ARRIVAL_MS && p.createdAt <= now) arrivals.push(p);
        continue;
      }
      changes.changed++;
      const old = JSON.parse(stored) as Product;
      if (!old.inStock && p.inStock) job('Back In Stock', p);
      else if (p.inStock && old.price !== undefined && p.price !== undefined && p.price < old.price && old.currency === p.currency) {
        job('Price Drop', p, old.price);
      }
    }
    arrivals.sort((a, b) => b.createdAt! - a.createdAt!);
    for (const p of arrivals) for (const category of p.categories) job('New Arrival', p, null, category);
    for (const id of before.keys()) {
      drop.run(site, id);
      changes.removed++;
    }
    return changes;
  });

  return {
    replace: (site, products, now) => replace.immediate(site, products, now),
    product(site, productId) {
      const row = selectOne.get(site, productId);
      return row ? (JSON.parse(row.product) as Product) : undefined;
    },
  };
}
