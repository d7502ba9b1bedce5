/** The "frequently bought together" row: co-purchase neighbours of a product or a cart. */
import type { Product } from './catalog';
import { addNeighbours, neighboursOf, ranker, type RecommendInput, type RecommendOptions } from './rank';

/** Options of {@link boughtTogether}. */
export interface BoughtTogetherOptions extends RecommendOptions {
  /** Weight of co-view neighbours, which fill in where purchases are few (default 0.25; co-purchase counts 1). */
  viewWeight?: number;
}

/**
 * Products bought in the same orders as `productIds` (the product on the page, or
 * the cart's lines): each anchor's co-purchase list, scaled so its best neighbour
 * scores 1, plus `viewWeight` × its co-view list, summed over anchors. Never an
 * anchor; bought and out-of-stock products only when included.
 *
 * @example boughtTogether({ catalog, neighbours, counts, visitor }, ['tent', 'stove'], { limit: 3 })
 */
export function boughtTogether(input: RecommendInput, productIds: string | readonly string[], options: BoughtTogetherOptions = {}): Product[] {
  const anchors = typeof productIds == 'string' ? [productIds] : productIds;
  const { index, pick, scores: empty } = ranker(input, options, anchors);
  const scores = empty();
  const viewWeight = options.viewWeight ?? 0.25;
  for (const id of anchors) {
    addNeighbours(scores, index, neighboursOf(input.neighbours, id, 'bought'), 1);
    addNeighbours(scores, index, neighboursOf(input.neighbours, id, 'viewed'), viewWeight);
  }
  return pick(scores);
}
