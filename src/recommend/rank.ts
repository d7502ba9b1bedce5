/**
 * What every model shares: its input, the exclusion rules, and turning scores into a
 * short list of products, topped up from popularity (then catalog order) so a row is
 * never empty on a visitor's first page.
 */
import { hasOwn } from '../core/own';
import type { Product } from './catalog';
import { indexCatalog, type CatalogIndex } from './catalog-index';
import type { CooccurrenceTable, Neighbours } from './cooccurrence';
import type { Counts } from './popularity';
import type { Visitor } from './visitor';

/** What the models rank from. Only `catalog` is required; each model says what else it reads. */
export interface RecommendInput {
  /** Validated products ({@link validateCatalog}); pass the same array each time, it is indexed once. */
  catalog: readonly Product[];
  visitor?: Visitor;
  /** Co-view and co-purchase neighbours from the collector (`GET /v1/cooccurrence`). */
  neighbours?: CooccurrenceTable;
  /** Popularity counts from the collector ({@link popularity}, long half-life). */
  counts?: Counts;
  /** Trending counts ({@link popularity}, short half-life); "trending" falls back to `counts`. */
  trending?: Counts;
}

/** Options every model takes. */
export interface RecommendOptions {
  /** Products returned at most (default 10). */
  limit?: number;
  /** Keep products the visitor bought (default false). */
  includePurchased?: boolean;
  /** Keep products out of stock (default false). */
  includeOutOfStock?: boolean;
  /** Product ids never to return (e.g. what the page already shows). */
  exclude?: readonly string[];
  /** Top the list up from popularity, then catalog order, when the model finds too few (default true). */
  fill?: boolean;
}

/** A product's neighbours in a table, or none: a lookup safe for ids like "constructor". */
export function neighboursOf(table: CooccurrenceTable | undefined, id: string, list: 'viewed' | 'bought'): Neighbours {
  return (table && hasOwn(table, id) && table[id][list]) || [];
}

/** A product's count, or 0: a lookup safe for ids like "constructor". */
export const countOf = (counts: Counts | undefined, id: string): number => (counts && hasOwn(counts, id) && +counts[id]) || 0;

/**
 * Scores by catalog position, dense (a typed array the catalog's length) with the list
 * of positions touched, so adding is an array write and ranking reads only those.
 */
export interface Scores {
  values: Float64Array;
  touched: number[];
}

/** Empty {@link Scores} for a catalog of `size` products. */
export const createScores = (size: number): Scores => ({ values: new Float64Array(size), touched: [] });

/** Adds a positive amount to a position's score. */
export function addScore(scores: Scores, at: number, amount: number): void {
  if (!(amount > 0)) return;
  if (scores.values[at] === 0) scores.touched.push(at);
  scores.values[at] += amount;
}

/**
 * Adds `weight` × each neighbour's score divided by the list's best, so lists scored
 * as counts and as cosine blend alike and no single product's list dominates.
 */
export function addNeighbours(scores: Scores, index: CatalogIndex, list: Neighbours, weight: number): void {
  const best = list.length ? +list[0][1] : 0;
  if (!(best > 0) || !(weight > 0)) return;
  const positions = positionsOf(index, list);
  for (let k = 0; k < list.length; k++) if (positions[k] >= 0) addScore(scores, positions[k], (weight * list[k][1]) / best);
}

// The catalog positions of a neighbour list (−1: not in the catalog), cached per list
// object: a page ranks from the same pulled table many times, and looking ids up in
// the catalog was most of the cost of "for you".
const resolved = new WeakMap<CatalogIndex, WeakMap<Neighbours, Int32Array>>();
function positionsOf(index: CatalogIndex, list: Neighbours): Int32Array {
  let byList = resolved.get(index);
  if (!byList) resolved.set(index, (byList = new WeakMap()));
  let positions = byList.get(list);
  if (!positions) byList.set(list, (positions = Int32Array.from(list, ([id]) => index.position.get(id) ?? -1)));
  return positions;
}

// Each catalog position's count, cached per counts object and catalog, so a page's
// rows share one pass of string lookups.
const popularities = new WeakMap<Counts, WeakMap<CatalogIndex, Float64Array>>();
function countsAt(index: CatalogIndex, counts: Counts | undefined): Float64Array | undefined {
  if (!counts) return undefined;
  let byIndex = popularities.get(counts);
  if (!byIndex) popularities.set(counts, (byIndex = new WeakMap()));
  let found = byIndex.get(index);
  if (!found) {
    // Walking the counts and looking ids up in the position map is several times
    // faster than asking a 10,000-key object (a dictionary) for each product.
    found = new Float64Array(index.products.length);
    for (const id of Object.keys(counts)) {
      const at = index.position.get(id);
      if (at !== undefined) found[at] = +counts[id] || 0;
    }
    byIndex.set(index, found);
  }
  return found;
}

// Keeps `best` the top `limit` positions in order, by a bounded insertion: one pass,
// where sorting every candidate (thousands, or the whole catalog for a top-up) would
// cost more than the scoring did.
function insert(best: number[], at: number, limit: number, ahead: (a: number, b: number) => boolean): void {
  if (best.length === limit && !ahead(at, best[limit - 1])) return;
  let i = best.length === limit ? limit - 1 : best.length;
  for (; i > 0 && ahead(at, best[i - 1]); i--) best[i] = best[i - 1];
  best[i] = at;
}

/** A model's view of its input: the index, and whether a position may be returned. */
export interface Ranker {
  index: CatalogIndex;
  /** False for excluded, bought (unless included) and out-of-stock (unless included) products. */
  allowed(at: number): boolean;
  /** Empty scores for this catalog. */
  scores(): Scores;
  /** The best `limit` allowed products by score (ties: more popular, then catalog order), topped up unless `fill` is false. */
  pick(scores?: Scores, counts?: Counts): Product[];
}

/**
 * Sets up ranking for one call. `alsoExclude` holds ids the model leaves out on top
 * of the options' (the anchor product, what the visitor already has).
 */
export function ranker(input: RecommendInput, options: RecommendOptions = {}, alsoExclude: Iterable<string> = []): Ranker {
  const index = indexCatalog(input.catalog);
  const size = index.products.length;
  const { includePurchased = false, includeOutOfStock = false, exclude = [], fill = true } = options;
  const limit = Math.floor(options.limit ?? 10);
  const excluded = new Uint8Array(size);
  const leaveOut = (ids: Iterable<string>) => {
    for (const id of ids) {
      const at = index.position.get(id);
      if (at !== undefined) excluded[at] = 1;
    }
  };
  leaveOut(alsoExclude);
  leaveOut(exclude);
  if (!includePurchased) leaveOut(input.visitor?.purchased ?? []);
  const allowed = (at: number) => at >= 0 && at < size && !excluded[at] && (includeOutOfStock || index.products[at].inStock !== false);
  const pick = (scores: Scores = createScores(0), counts = input.counts) => {
    if (!(limit >= 1)) return [];
    const count = countsAt(index, counts);
    const { values } = scores;
    const byCount = (a: number, b: number) => (count ? count[a] > count[b] || (count[a] === count[b] && a < b) : a < b);
    const byScore = (a: number, b: number) => values[a] > values[b] || (values[a] === values[b] && byCount(a, b));
    const best: number[] = [];
    for (const at of scores.touched) if (allowed(at)) insert(best, at, limit, byScore);
    if (fill && best.length < limit) {
      // Top up with the most popular of the rest (count 0 and no counts: catalog order).
      const taken = new Set(best);
      const more: number[] = [];
      const want = limit - best.length;
      if (count) {
        for (let at = 0; at < size; at++) {
          // Most positions lose to a full list's last entry: reject them before the set and stock checks.
          if (more.length === want && !(count[at] > count[more[want - 1]])) continue;
          if (!taken.has(at) && allowed(at)) insert(more, at, want, byCount);
        }
      } else {
        for (let at = 0; at < size && more.length < want; at++) if (!taken.has(at) && allowed(at)) more.push(at);
      }
      best.push(...more);
    }
    return best.map((at) => index.products[at]);
  };
  return { index, allowed, pick, scores: () => createScores(size) };
}
