/**
 * Item-to-item co-occurrence: which products are viewed in the same session and
 * bought in the same order. A pure function over a list of interactions, shared by
 * the collector (`GET /v1/cooccurrence`) and anything in the browser that wants to
 * fold in its own not-yet-synced events.
 *
 * Scores are plain counts of shared baskets (sessions for views, orders for
 * purchases), the classic "bought together" figure; the recommendation issue may
 * refine them (cosine, lift) behind the same output shape.
 */

/** One thing a visitor did with one product. */
export interface Interaction {
  /** `view` from "Product Viewed", `buy` from each product of "Order Completed". */
  kind: 'view' | 'buy';
  productId: string;
  /** Who did it (the anonymousId, or the userId when there is none). */
  visitor: string;
  /** Milliseconds since the epoch. */
  time: number;
  /** For `buy`: the order it belongs to. Purchases without one are grouped per visitor and time. */
  order?: string;
}

/** Neighbours best first: `[productId, score]`. */
export type Neighbours = [string, number][];

/** For each product with at least one neighbour, its neighbours by co-view and by co-purchase. */
export type CooccurrenceTable = Record<string, { viewed: Neighbours; bought: Neighbours }>;

/** Options of {@link cooccurrence}. */
export interface CooccurrenceOptions {
  /** Neighbours kept per product and list (default 10). */
  top?: number;
  /** A visitor's views more than this apart start a new session (default 30 minutes, as web analytics do). */
  sessionGapMs?: number;
  /**
   * Distinct products counted per basket (default 50). A basket of k products makes
   * k(k − 1)/2 pairs; a crawler's session of thousands of views would dominate the
   * counts and the cost, so only its first `maxBasket` distinct products are kept.
   */
  maxBasket?: number;
  /** Least shared baskets for a pair to count (default 1). */
  minCount?: number;
}

// Product ids are interned to small integers, so that a pair of products fits in one
// number (see pairKeys) and the counting never hashes a string.
interface Interner {
  ids: string[];
  index: Map<string, number>;
}

function intern(interner: Interner, id: string): number {
  let i = interner.index.get(id);
  if (i === undefined) {
    i = interner.ids.length;
    interner.ids.push(id);
    interner.index.set(id, i);
  }
  return i;
}

// Every pair (a < b) of a basket, encoded as one number a·n + b (exact below 2^53, so up
// to ~94 million products). Sorting these and counting runs is several times faster,
// and far lighter on the garbage collector, than a map of maps.
function pairKeys(baskets: readonly number[][], n: number): Float64Array {
  let size = 0;
  for (const basket of baskets) size += (basket.length * (basket.length - 1)) / 2;
  const keys = new Float64Array(size);
  let k = 0;
  for (const basket of baskets) {
    for (let i = 0; i < basket.length; i++) {
      for (let j = i + 1; j < basket.length; j++) {
        const a = basket[i];
        const b = basket[j];
        keys[k++] = a < b ? a * n + b : b * n + a;
      }
    }
  }
  return keys.sort();
}

// Adds a product to a basket once, up to the cap.
function addDistinct(basket: number[], productId: number, max: number): void {
  if (basket.length < max && !basket.includes(productId)) basket.push(productId);
}

// Views: each visitor's views in time order, cut into sessions at gaps longer than `gap`.
function viewBaskets(views: Interaction[], interner: Interner, gap: number, max: number): number[][] {
  const byVisitor = new Map<string, Interaction[]>();
  for (const v of views) {
    const list = byVisitor.get(v.visitor);
    if (list) list.push(v);
    else byVisitor.set(v.visitor, [v]);
  }
  const baskets: number[][] = [];
  for (const list of byVisitor.values()) {
    list.sort((a, b) => a.time - b.time);
    let basket: number[] = [];
    let last = -Infinity;
    for (const v of list) {
      if (v.time - last > gap && basket.length) {
        baskets.push(basket);
        basket = [];
      }
      addDistinct(basket, intern(interner, v.productId), max);
      last = v.time;
    }
    if (basket.length) baskets.push(basket);
  }
  return baskets;
}

// Purchases: one basket per order; without an order id, the visitor's purchases at the
// same instant (one "Order Completed" event) form the basket.
function buyBaskets(buys: Interaction[], interner: Interner, max: number): number[][] {
  const byOrder = new Map<string, number[]>();
  for (const b of buys) {
    const key = b.order !== undefined ? `o:${b.order}` : `v:${b.visitor}@${b.time}`;
    let basket = byOrder.get(key);
    if (!basket) byOrder.set(key, (basket = []));
    addDistinct(basket, intern(interner, b.productId), max);
  }
  return [...byOrder.values()];
}

// True when neighbour a ranks before b: higher score, then lower id, so the output is
// deterministic whatever the input order.
const before = (a: [string, number], b: [string, number]) => a[1] > b[1] || (a[1] === b[1] && a[0] < b[0]);

// Offers a neighbour to a best-first list of at most `top`: a bounded insertion, linear
// in the number of offers (a full sort of every product's neighbours cost more than
// all the counting).
function offer(best: Neighbours, id: string, score: number, top: number): void {
  // Most offers lose to a full list's last entry: reject them before allocating.
  if (best.length === top && (score < best[top - 1][1] || (score === best[top - 1][1] && id > best[top - 1][0]))) return;
  const entry: [string, number] = [id, score];
  let at = best.length === top ? top - 1 : best.length;
  while (at > 0 && before(entry, best[at - 1])) {
    best[at] = best[at - 1];
    at--;
  }
  best[at] = entry;
}

// Counts each distinct pair (a run of equal keys) and offers it to both of its products.
function neighbours(baskets: readonly number[][], ids: string[], top: number, minCount: number): Neighbours[] {
  const n = ids.length;
  const lists: Neighbours[] = ids.map(() => []);
  if (top < 1) return lists;
  const keys = pairKeys(baskets, n);
  for (let start = 0; start < keys.length; ) {
    let end = start + 1;
    while (end < keys.length && keys[end] === keys[start]) end++;
    const count = end - start;
    if (count >= minCount) {
      const a = Math.floor(keys[start] / n);
      const b = keys[start] - a * n;
      offer(lists[a], ids[b], count, top);
      offer(lists[b], ids[a], count, top);
    }
    start = end;
  }
  return lists;
}

/**
 * Co-view and co-purchase neighbours of every product.
 *
 * - Co-view: two products viewed by the same visitor in the same session (views no
 *   more than `sessionGapMs` apart); the score is the number of sessions with both.
 * - Co-purchase: two products in the same order; the score is the number of orders.
 *
 * Products without any neighbour are left out, and keys are sorted, so equal input
 * gives byte-identical JSON (good for ETags).
 *
 * @example cooccurrence(interactions)['p1'] // { viewed: [['p2', 3]], bought: [['p7', 1]] }
 */
export function cooccurrence(
  interactions: readonly Interaction[],
  { top = 10, sessionGapMs = 30 * 60_000, maxBasket = 50, minCount = 1 }: CooccurrenceOptions = {},
): CooccurrenceTable {
  const views: Interaction[] = [];
  const buys: Interaction[] = [];
  for (const i of interactions) (i.kind === 'buy' ? buys : views).push(i);
  const interner: Interner = { ids: [], index: new Map() };
  const viewBasketList = viewBaskets(views, interner, sessionGapMs, maxBasket);
  const buyBasketList = buyBaskets(buys, interner, maxBasket);
  const { ids } = interner;
  const viewed = neighbours(viewBasketList, ids, top, minCount);
  const bought = neighbours(buyBasketList, ids, top, minCount);

  const order = ids.map((_, i) => i).sort((a, b) => (ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : 0));
  const table: CooccurrenceTable = {};
  for (const i of order) {
    if (viewed[i].length || bought[i].length) table[ids[i]] = { viewed: viewed[i], bought: bought[i] };
  }
  return table;
}
