// Shared by the fold tests: an event stream generator covering every rule the fold
// applies, and a dump of every table the fold writes.
import fc from 'fast-check';
import type { Db } from '../../../server/database';

/** 2024-05-01T12:00:00Z. */
export const T0 = Date.UTC(2024, 4, 1, 12);
export const MINUTE = 60_000;

/** Every table the aggregate and trigger folds write. */
export const FOLD_TABLES = [
  'cohort_members', 'cohort_daily', 'daily_counts', 'visitor_days', 'day_links', 'row_clicks', 'variant_stats', 'identity_links',
  'trigger_visitors', 'trigger_views', 'trigger_carts', 'trigger_pending',
] as const;

/** Every row of every fold table, in a fixed order. */
export function dumpFoldTables(db: Db): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const table of FOLD_TABLES) {
    out[table] = db.prepare(`SELECT * FROM ${table}`).raw(true).all().map((row) => JSON.stringify(row)).sort();
  }
  return out;
}

const pick = <T>(...values: T[]) => fc.constantFrom(...values);
const product = pick('p1', 'p2', 'p3');
const categoryOf = (p: string) => (p === 'p3' ? 'bags' : 'shoes');

// Visitors 0 and 1 are anonymous; 2 and 3 are signed in on every event (one device each), so
// the person of every event is the same whatever the fold (links are learned per fold).
const visitorIds = (v: number) => (v < 2 ? { anonymousId: `a${v}` } : { anonymousId: `a${v}`, userId: `u${v}` });

const body = fc.oneof(
  fc.constant({ type: 'page' }),
  fc.record({ placement: pick('hero', 'grid'), variant: pick('x', 'y'), group: pick('treatment', 'holdout'), segment: pick('new', 'returning'), holdout: pick(undefined, 'site') })
    .map(({ holdout, ...p }) => ({ type: 'track', event: 'Variant Viewed', properties: { ...p, reason: 'bandit', ...(holdout ? { holdout } : {}) } })),
  fc.record({ placement: pick('hero', 'grid'), variant: pick('x', 'y'), group: pick('treatment', 'holdout'), segment: pick('new', 'returning'), goal: pick('order', 'signup'), value: fc.integer({ min: 0, max: 50 }) })
    .map((p) => ({ type: 'track', event: 'Variant Converted', properties: p })),
  fc.record({ products: fc.array(fc.record({ product_id: product, price: fc.integer({ min: 1, max: 30 }), quantity: fc.integer({ min: 1, max: 3 }) }), { maxLength: 2 }), currency: pick('EUR', 'usd') })
    .map(({ products, currency }) => ({ type: 'track', event: 'Order Completed', properties: { currency, products: products.map((p) => ({ ...p, category: categoryOf(p.product_id) })) } })),
  fc.record({ event: pick('Quiz Started', 'Quiz Question Answered', 'Quiz Completed', 'Quiz Abandoned'), quiz_id: pick('q1', 'q2'), outcome: pick('bold', 'calm') })
    .map(({ event, ...p }) => ({ type: 'track', event, properties: { ...p, question_id: 'size' } })),
  fc.record({ event: pick('Product List Viewed', 'Product Clicked'), list_id: pick('similar', 'top'), product_id: product }).map(({ event, ...p }) => ({ type: 'track', event, properties: p })),
  product.map((p) => ({ type: 'track', event: 'Product Viewed', properties: { product_id: p, price: 12, category: categoryOf(p) } })),
  fc.record({ event: pick('Product Added', 'Product Removed'), product_id: product, quantity: fc.integer({ min: 1, max: 2 }) })
    .map(({ event, product_id, quantity }) => ({ type: 'track', event, properties: { product_id, quantity, price: 9, category: categoryOf(product_id) } })),
  fc.constant({ type: 'track', event: 'Cart Abandoned', properties: {} }),
  pick('gold', 'silver').map((plan) => ({ type: 'identify', traits: { plan } })),
);

/** A stream of raw events (as posted), over four visitors and two days, times out of order within a visitor now and then. */
export const eventStream = (maxLength = 60) =>
  fc
    .array(fc.record({ visitor: fc.integer({ min: 0, max: 3 }), minute: fc.integer({ min: 0, max: 2 * 24 * 60 }), body }), { minLength: Math.min(20, maxLength), maxLength })
    .map((events) =>
      events.map(({ visitor, minute, body }, i) => ({ ...body, ...visitorIds(visitor), messageId: `m${i}`, timestamp: new Date(T0 + minute * MINUTE).toISOString() })),
    );
