/**
 * The "similar" row on a product page: products like the anchor by content (shared
 * categories, tags and attributes) blended with what other visitors viewed alongside it.
 */
import type { Product } from './catalog';
import { addNeighbours, addScore, neighboursOf, ranker, type RecommendInput, type RecommendOptions } from './rank';

/** Options of {@link similar}. */
export interface SimilarOptions extends RecommendOptions {
  /** Share of the co-view neighbours in the blend, 0 to 1 (default 0.5); the rest is content. */
  coViewWeight?: number;
}

/**
 * Products similar to `productId`: (1 − w) × content cosine + w × co-view score, the
 * co-view list scaled so its best neighbour scores 1. Either part alone still ranks
 * (a new product has no co-views; a feed without tags has no content). Never the
 * anchor itself; bought and out-of-stock products only when included.
 *
 * Candidates are the products sharing a selective feature with the anchor (one held by
 * at most a twentieth of the catalog, or 50 products); common ones ("size: M") then
 * add to those candidates' cosine but do not bring in thousands of weak candidates.
 *
 * @example similar({ catalog, neighbours, counts, visitor }, 'trail-runner', { limit: 4 })
 */
export function similar(input: RecommendInput, productId: string, options: SimilarOptions = {}): Product[] {
  const { index, pick, scores: empty } = ranker(input, options, [productId]);
  const w = Math.min(1, Math.max(0, options.coViewWeight ?? 0.5));
  const scores = empty();
  const anchor = index.position.get(productId);
  if (anchor !== undefined && w < 1 && index.products[anchor]) {
    const { keys, norms, weight, postings } = index.content();
    if (norms[anchor] > 0) {
      const own = keys[anchor];
      const selective = Math.max(50, index.products.length / 20);
      const isSelective = (key: string) => postings.get(key)!.length <= selective;
      const generators = own.some(isSelective) ? own.filter(isSelective) : own;
      const rest = own.filter((key) => !generators.includes(key));
      for (const key of generators) for (const at of postings.get(key)!) addScore(scores, at, weight(key) ** 2);
      const scale = (1 - w) / norms[anchor];
      for (const at of scores.touched) {
        let dot = scores.values[at];
        for (const key of rest) if (keys[at].includes(key)) dot += weight(key) ** 2;
        scores.values[at] = (dot * scale) / norms[at];
      }
    }
  }
  addNeighbours(scores, index, neighboursOf(input.neighbours, productId, 'viewed'), w);
  return pick(scores);
}
