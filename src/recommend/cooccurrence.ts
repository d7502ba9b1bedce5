/**
 * Item-to-item co-occurrence: which products are viewed in the same session and
 * bought in the same order. One pure function over a list of interactions, shared by
 * the collector (`GET /v1/cooccurrence`), the browser (to fold in its own not-yet-synced
 * events) and the offline benchmark (`bench/recs.mjs`), so all three score pairs alike.
 *
 * By default the scores are plain counts of shared baskets (sessions for views, orders
 * for purchases). `score: 'cosine'` or `'lift'`, with shrinkage and `proximity`, give
 * the similarity the "for you" and "bought together" models rank best with (see
 * bench/recs-lib/README.md for the measurement); the output shape does not change.
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
  /**
   * How a pair is scored (default `count`):
   * - `count`: the (proximity-weighted) number of baskets holding both;
   * - `cosine`: that figure over √(nᵢ·nⱼ) + `shrink`, nᵢ being the baskets holding i;
   * - `lift`: that figure × N / (nᵢ·nⱼ) (N baskets), times c / (c + `shrink`) for c shared baskets.
   */
  score?: 'count' | 'cosine' | 'lift';
  /**
   * Shrinkage of `cosine` and `lift` (default 5): a pair seen in one or two baskets by
   * chance must not outrank one seen in twenty. Ignored by `count`.
   */
  shrink?: number;
  /**
   * Weight of a pair d positions apart in a basket: proximityᵈ⁻¹ (default 1: every pair
   * counts 1). Products viewed one after the other are more alike than the first and
   * last of a long session; offline, 0.9 lifts HR@10 by a third over plain cosine.
   */
  proximity?: number;
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

// Every pair (a < b) of a basket, encoded as one number (a·n + b)·span + d, d being the
// pair's distance in the basket less one, capped at span − 1 (span is 1 when distance
// does not matter, else 64: 0.9⁶³ is already negligible). Exact below 2^53, so up to
// ~94 million products (~11 million with proximity). Sorting
// these and counting runs is several times faster, and far lighter on the garbage
// collector, than a map of maps.
function pairKeys(baskets: readonly number[][], n: number, span: number): Float64Array {
  let size = 0;
  for (const basket of baskets) size += (basket.length * (basket.length - 1)) / 2;
  const keys = new Float64Array(size);
  let k = 0;
  for (const basket of baskets) {
    for (let i = 0; i < basket.length; i++) {
      for (let j = i + 1; j < basket.length; j++) {
        const a = basket[i];
        const b = basket[j];
        keys[k++] = (a < b ? a * n + b : b * n + a) * span + Math.min(j - i - 1, span - 1);
      }
    }
  }
  return keys.sort();
}

// Adds a product to a basket once, up to the cap.
function addDistinct(basket: number[], productId: number, max: number): void {
  if (basket.length < max && !basket.includes(productId)) basket.push(productId);
}

const byTime = (a: Interaction, b: Interaction) => a.time - b.time;

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
    list.sort(byTime);
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

// Purchases: one basket per order, in time order (a stable sort keeps an order's lines
// as listed); without an order id, the visitor's purchases at the same instant (one
// "Order Completed" event) form the basket.
function buyBaskets(buys: Interaction[], interner: Interner, max: number): number[][] {
  const byOrder = new Map<string, number[]>();
  for (const b of buys.sort(byTime)) {
    const key = b.order !== undefined ? `o:${b.order}` : `v:${b.visitor}@${b.time}`;
    let basket = byOrder.get(key);
    if (!basket) byOrder.set(key, (basket = []));
    addDistinct(basket, intern(interner, b.productId), max);
  }
  return [...byOrder.values()];
}

// Four significant digits keep the JSON compact; ranks hardly ever hinge on the fifth.
// Arithmetic rather than toPrecision, which cost a tenth of the build. Powers of ten
// up to 10²² are exact doubles, so the result prints as the short decimal.
const compact = (x: number) => {
  if (!x || !isFinite(x)) return x;
  const e = Math.floor(Math.log10(Math.abs(x))) - 3;
  return e < 0 ? Math.round(x * 10 ** -e) / 10 ** -e : Math.round(x / 10 ** e) * 10 ** e;
};

/** Rounds a score as the table prints it: four significant digits (plain counts stay exact integers). */
export const roundScore = (x: number): number => (Number.isInteger(x) ? x : compact(x));

/** The resolved options a pair is scored and ranked with. */
export type Scoring = Required<Pick<CooccurrenceOptions, 'top' | 'minCount' | 'score' | 'shrink' | 'proximity'>>;

/**
 * A pair's (proximity-weighted) weight on a grid of 2⁻³², so that a sum added up in
 * another order (the collector's incremental state adds a pair's baskets as they
 * come) gives the same double, and ties between pairs break the same way.
 */
export const gridWeight = (weight: number): number => Math.round(weight * 4294967296) / 4294967296;

/**
 * A pair's score from its weight, its shared baskets `count`, the baskets holding each
 * product (`ni`, `nj`) and all baskets `n` (see {@link CooccurrenceOptions.score}).
 */
export function pairScore(weight: number, count: number, ni: number, nj: number, n: number, o: Pick<Scoring, 'score' | 'shrink'>): number {
  const w = gridWeight(weight);
  return o.score === 'cosine' ? w / (Math.sqrt(ni * nj) + o.shrink) : o.score === 'lift' ? ((w * n) / (ni * nj)) * (count / (count + o.shrink)) : w;
}

/** The distance weights by position gap less one (`span` of them: 1 without proximity, else 64). */
export const proximityWeights = (proximity: number): number[] =>
  Array.from({ length: proximity === 1 ? 1 : 64 }, (_, d) => proximity ** d);

/** Resolves {@link CooccurrenceOptions} to their defaults. */
export function resolveOptions(options: CooccurrenceOptions = {}): Scoring & { sessionGapMs: number; maxBasket: number } {
  const { top = 10, sessionGapMs = 30 * 60_000, maxBasket = 50, minCount = 1, score = 'count', shrink = 5, proximity = 1 } = options;
  return { top, sessionGapMs, maxBasket, minCount, score, shrink, proximity: proximity > 0 && proximity < 1 ? proximity : 1 };
}

// Counts each distinct pair (a run of keys equal but for the distance) and scores it.
// Returns the pairs as parallel arrays: products a and b, and the score.
function scoredPairs(baskets: readonly number[][], n: number, o: Scoring): { a: Int32Array; b: Int32Array; score: Float64Array; size: number } {
  const weights = proximityWeights(o.proximity);
  const span = weights.length;
  const inBaskets = new Float64Array(n);
  for (const basket of baskets) for (const i of basket) inBaskets[i]++;
  const keys = pairKeys(baskets, n, span);
  const a = new Int32Array(keys.length);
  const b = new Int32Array(keys.length);
  const score = new Float64Array(keys.length);
  let size = 0;
  for (let start = 0; start < keys.length; ) {
    const pair = Math.floor(keys[start] / span);
    const next = (pair + 1) * span;
    let weight = 0;
    let end = start;
    for (; end < keys.length && keys[end] < next; end++) weight += weights[keys[end] - pair * span];
    const count = end - start;
    if (count >= o.minCount) {
      const i = (a[size] = Math.floor(pair / n));
      const j = (b[size] = pair - i * n);
      score[size++] = pairScore(weight, count, inBaskets[i], inBaskets[j], baskets.length, o);
    }
    start = end;
  }
  return { a, b, score, size };
}

// Each product's best `top` neighbours: higher score first, then lower id, so the output
// is deterministic whatever the input order. The pairs are first grouped per product
// (both ways) in flat typed arrays, then a bounded insertion picks the best of each
// group: no allocation per pair, which made the garbage collector the main cost.
function neighbours(baskets: readonly number[][], ids: string[], o: Scoring): Neighbours[] {
  const n = ids.length;
  const lists: Neighbours[] = ids.map(() => []);
  if (o.top < 1) return lists;
  const { a, b, score, size } = scoredPairs(baskets, n, o);
  const offsets = new Int32Array(n + 1);
  for (let k = 0; k < size; k++) offsets[a[k] + 1]++, offsets[b[k] + 1]++;
  for (let i = 0; i < n; i++) offsets[i + 1] += offsets[i];
  const fill = offsets.slice(0, n);
  const other = new Int32Array(2 * size);
  const value = new Float64Array(2 * size);
  for (let k = 0; k < size; k++) {
    other[fill[a[k]]] = b[k];
    value[fill[a[k]]++] = score[k];
    other[fill[b[k]]] = a[k];
    value[fill[b[k]]++] = score[k];
  }
  let widest = 0;
  for (let i = 0; i < n; i++) widest = Math.max(widest, offsets[i + 1] - offsets[i]);
  const top = Math.min(Math.floor(o.top), widest);
  const best = new Int32Array(top);
  const before = (x: number, y: number) => value[x] > value[y] || (value[x] === value[y] && ids[other[x]] < ids[other[y]]);
  for (let i = 0; i < n; i++) {
    let kept = 0;
    for (let k = offsets[i]; k < offsets[i + 1]; k++) {
      if (kept === top && !before(k, best[kept - 1])) continue;
      let at = kept === top ? kept - 1 : kept++;
      for (; at > 0 && before(k, best[at - 1]); at--) best[at] = best[at - 1];
      best[at] = k;
    }
    // Rounded once kept; plain counts stay exact integers, whatever their size.
    for (let r = 0; r < kept; r++) lists[i].push([ids[other[best[r]]], roundScore(value[best[r]])]);
  }
  return lists;
}

/**
 * Co-view and co-purchase neighbours of every product.
 *
 * - Co-view: two products viewed by the same visitor in the same session (views no
 *   more than `sessionGapMs` apart); with the default `count`, the score is the number
 *   of sessions with both.
 * - Co-purchase: two products in the same order; the number of orders with both.
 *
 * Products without any neighbour are left out, and keys are sorted, so equal input
 * gives byte-identical JSON (good for ETags).
 *
 * @example cooccurrence(interactions)['p1'] // { viewed: [['p2', 3]], bought: [['p7', 1]] }
 * @example cooccurrence(interactions, { score: 'cosine', shrink: 5, proximity: 0.9, top: 20 }) // what "for you" ranks best with
 */
export function cooccurrence(interactions: readonly Interaction[], options: CooccurrenceOptions = {}): CooccurrenceTable {
  const { sessionGapMs, maxBasket, ...scoring } = resolveOptions(options);
  const views: Interaction[] = [];
  const buys: Interaction[] = [];
  for (const i of interactions) (i.kind === 'buy' ? buys : views).push(i);
  const interner: Interner = { ids: [], index: new Map() };
  const viewBasketList = viewBaskets(views, interner, sessionGapMs, maxBasket);
  const buyBasketList = buyBaskets(buys, interner, maxBasket);
  const { ids } = interner;
  const viewed = neighbours(viewBasketList, ids, scoring);
  const bought = neighbours(buyBasketList, ids, scoring);

  const order = ids.map((_, i) => i).sort((a, b) => (ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : 0));
  // Prototype-free: a product id "__proto__" or "constructor" is just another key.
  const table: CooccurrenceTable = Object.create(null);
  for (const i of order) {
    if (viewed[i].length || bought[i].length) table[ids[i]] = { viewed: viewed[i], bought: bought[i] };
  }
  return table;
}
