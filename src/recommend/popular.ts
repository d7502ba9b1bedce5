/** The "popular" and "trending" rows: the collector's counts, catalog order as the fallback. */
import type { Product } from './catalog';
import { ranker, type RecommendInput, type RecommendOptions } from './rank';

/**
 * The most popular products by `input.counts` (ties and products without a count in
 * catalog order), without the bought and the out-of-stock unless included. Without
 * counts (a site with no collector), the catalog's own order: the merchant's choice.
 *
 * @example popular({ catalog, counts, visitor }, { limit: 8 })
 */
export function popular(input: RecommendInput, options: RecommendOptions = {}): Product[] {
  // No scores: the ranker's top-up is exactly popularity, then catalog order.
  return ranker(input, { ...options, fill: true }).pick();
}

/**
 * The products gaining attention now: {@link popular} over `input.trending` (counts
 * with a short half-life, e.g. `popularity(interactions, { halfLifeDays: 2 })`),
 * falling back to `input.counts`.
 */
export function trending(input: RecommendInput, options: RecommendOptions = {}): Product[] {
  return popular({ ...input, counts: input.trending ?? input.counts }, options);
}
