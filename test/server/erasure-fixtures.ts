// Visitors whose events leave a row in every per-visitor table, and a reader of what
// the collector's database holds about each: the erasure tests' shared ground.
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { trackEvent } from './helpers';

/** The tables with rows about one visitor, and how each names it. */
export const PER_VISITOR: Record<string, string> = {
  events: 'anonymous_id = @v OR user_id = @v',
  interactions: 'visitor = @v',
  cohort_members: 'visitor = @v',
  visitor_days: 'visitor = @v',
  row_clicks: 'visitor = @v',
  identity_links: 'id = @v OR user_id = @v',
  erasure_keys: 'anonymous_id = @v AND erased_at IS NULL',
  trigger_visitors: 'visitor = @v',
  trigger_views: 'visitor = @v',
  trigger_carts: 'visitor = @v',
  trigger_pending: 'visitor = @v',
  webhook_deliveries: 'visitor = @v',
  cooc_sessions: 'visitor = @v',
};
/** The tables every visitor of {@link visitorEvents} has rows in (under its anonymous id or user id). */
export const ALWAYS = ['events', 'interactions', 'cohort_members', 'visitor_days', 'row_clicks', 'erasure_keys', 'cooc_sessions'];

/** Waits until the batch's events are folded into the per-visitor rows (server/aggregate-fold.ts folds a moment later). */
export async function folded(dbFile: string, site: string, visitor: string, also?: string): Promise<void> {
  const end = Date.now() + 10_000;
  const has = () => {
    const rows = rowsOf(dbFile, site, visitor);
    const more = also ? rowsOf(dbFile, site, also) : {};
    return (rows.visitor_days ?? 0) + (more.visitor_days ?? 0) > 0;
  };
  while (!has()) {
    if (Date.now() > end) throw new Error(`the events of ${visitor} were not folded in 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
/** Aggregates without personal data: an erasure leaves them as they were (co-occurrence's pairs, baskets and popularity too). */
export const AGGREGATES = ['cohort_daily', 'daily_counts', 'day_links', 'variant_stats', 'cooc_pairs', 'cooc_products', 'cooc_popular'];

export const hashOf = (secret: string) => createHash('sha256').update(secret).digest('hex');

let n = 0;
/** One visitor's history: an exposure and its conversion, product views, a row click, an order, a page, and (with a user id) an identify with an e-mail. */
export function visitorEvents(anonymousId: string, { userId, email }: { userId?: string; email?: string } = {}) {
  const at = (minute: number) => ({ anonymousId, timestamp: new Date(Date.UTC(2024, 4, 1, 12, minute + (n++ % 10))).toISOString() });
  const events: Record<string, unknown>[] = [
    trackEvent('Variant Viewed', { placement: 'hero', variant: 'a', group: 'treatment', segment: null }, at(0)),
    trackEvent('Product Viewed', { product_id: 'shoe' }, at(1)),
    trackEvent('Product Viewed', { product_id: 'sock' }, at(2)),
    trackEvent('Product Clicked', { product_id: 'sock', list_id: 'for-you' }, at(3)),
    trackEvent('Variant Converted', { placement: 'hero', variant: 'a', group: 'treatment', segment: null, goal: 'buy', value: 12 }, at(4)),
    trackEvent('Order Completed', { order_id: `o-${anonymousId}`, total: 12, products: [{ product_id: 'sock' }] }, at(5)),
    trackEvent('', {}, { ...at(6), type: 'page', event: undefined, properties: { path: '/' } }),
  ];
  if (userId) events.push(trackEvent('', {}, { ...at(7), type: 'identify', event: undefined, properties: undefined, userId, traits: { email, plan: 'pro' } }));
  return events;
}

/** Rows per table naming `visitor`, read through a read-only connection. */
export function rowsOf(dbFile: string, site: string, visitor: string): Record<string, number> {
  const db = new Database(dbFile, { readonly: true });
  try {
    const tables = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name));
    const counts: Record<string, number> = {};
    for (const [table, where] of Object.entries(PER_VISITOR)) {
      if (!tables.has(table)) continue;
      counts[table] = (db.prepare(`SELECT count(*) AS n FROM ${table} WHERE site = @site AND (${where})`).get({ site, v: visitor }) as { n: number }).n;
    }
    return counts;
  } finally {
    db.close();
  }
}

/** Every aggregate table's rows, as JSON, to compare before and after. */
export function aggregates(dbFile: string): string {
  const db = new Database(dbFile, { readonly: true });
  try {
    return JSON.stringify(AGGREGATES.map((t) => db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2, 3, 4`).all()));
  } finally {
    db.close();
  }
}
