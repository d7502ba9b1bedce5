/**
 * Back In Stock, Price Drop and New Arrival: the jobs a catalog push queued
 * (server/triggers/catalog.ts), each taken to its audience a page of visitors at a
 * time along an index, its cursor saved after each page so a restart resumes it.
 *
 * - Back In Stock and Price Drop go to visitors who viewed the product within
 *   {@link WATCH_MS} before the change and have not bought it; a price drop only to
 *   those who saw a higher price than the new one (when their view said a price).
 * - New Arrival goes to visitors whose top category is one of the product's, who were
 *   first seen before the product was created and have not viewed it, one a day at
 *   most (one nudge, not a flood, as on the device).
 */
import { describeProduct } from '../../src/recommend/triggers';
import type { Db } from '../database';
import type { CatalogStore } from './catalog';
import type { RecordSignal, SignalName } from './signal';
import type { VisitorRow } from './visitors';

/** How long a view makes a visitor interested in a product's return or price (30 days, as on the device). */
export const WATCH_MS = 30 * 864e5;
/** At most one New Arrival per visitor in this long. */
export const ARRIVAL_GAP_MS = 864e5;

interface Job {
  id: number;
  site: string;
  event: SignalName;
  product_id: string;
  cause_at: number;
  previous_price: number | null;
  audience: string;
  cursor: string;
}

interface Viewer {
  visitor: string;
  last_view: number;
  price: number | null;
  bought: number;
}

/** Runs one page of the oldest job; returns the visitors it looked at (0: no job left). */
export type CatalogStep = (now: number, limit: number) => number;

/** Prepares the statements over a migrated database. */
export function createCatalogSignals(db: Db, catalog: CatalogStore, record: RecordSignal): CatalogStep {
  const firstJob = db.prepare<[], Job>('SELECT * FROM trigger_jobs ORDER BY id LIMIT 1');
  const saveCursor = db.prepare<[string, number]>('UPDATE trigger_jobs SET cursor = ? WHERE id = ?');
  const dropJob = db.prepare<[number]>('DELETE FROM trigger_jobs WHERE id = ?');
  const viewers = db.prepare<[string, string, string, number], Viewer>(
    'SELECT visitor, last_view, price, bought FROM trigger_views WHERE site = ? AND product_id = ? AND visitor > ? ORDER BY visitor LIMIT ?',
  );
  const inCategory = db.prepare<[string, string, string, number], VisitorRow>(
    'SELECT * FROM trigger_visitors WHERE site = ? AND top_category = ? AND visitor > ? ORDER BY visitor LIMIT ?',
  );
  const visitorRow = db.prepare<[string, string], VisitorRow>('SELECT * FROM trigger_visitors WHERE site = ? AND visitor = ?');
  const viewedIt = db.prepare<[string, string, string], { views: number }>('SELECT views FROM trigger_views WHERE site = ? AND product_id = ? AND visitor = ?');
  const markArrival = db.prepare<[number, string, string]>('UPDATE trigger_visitors SET arrival_at = ? WHERE site = ? AND visitor = ?');

  return (now, limit) => {
    const job = firstJob.get();
    if (!job) return 0;
    const product = catalog.product(job.site, job.product_id);
    // The product left the catalog (or changed back) since the push: its job is moot.
    const stillTrue =
      product !== undefined &&
      product.inStock &&
      (job.event !== 'Price Drop' || (product.price !== undefined && product.price < (job.previous_price ?? Infinity)));
    if (!stillTrue) {
      dropJob.run(job.id);
      return 1;
    }
    const properties = describeProduct(product);
    if (job.event === 'Price Drop') properties.previous_price = job.previous_price;
    const cause = `${job.product_id}\0${job.cause_at}`;
    let seen = 0;
    let last = job.cursor;
    if (job.event === 'New Arrival') {
      for (const v of inCategory.all(job.site, job.audience, job.cursor, limit)) {
        seen++;
        last = v.visitor;
        if (product.createdAt !== undefined && v.first_seen >= product.createdAt) continue;
        if (now - v.arrival_at < ARRIVAL_GAP_MS || viewedIt.get(job.site, job.product_id, v.visitor)) continue;
        if (record({ visitor: v, event: job.event, cause, properties }, now)) markArrival.run(now, job.site, v.visitor);
      }
    } else {
      for (const row of viewers.all(job.site, job.product_id, job.cursor, limit)) {
        seen++;
        last = row.visitor;
        if (row.bought || job.cause_at - row.last_view > WATCH_MS) continue;
        if (job.event === 'Price Drop' && row.price !== null && !(product.price! < row.price)) continue;
        const v = visitorRow.get(job.site, row.visitor);
        if (v) record({ visitor: v, event: job.event, cause, properties }, now);
      }
    }
    if (seen < limit) dropJob.run(job.id);
    else saveCursor.run(last, job.id);
    return Math.max(seen, 1);
  };
}
