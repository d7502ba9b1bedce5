/** The "recently viewed" row: the profile's own history, nothing from the collector. */
import type { Product } from './catalog';
import { ranker, type RecommendInput, type RecommendOptions } from './rank';

/**
 * Products the visitor viewed, newest first, without the bought and the out-of-stock
 * (unless the options include them). Never topped up: a stranger's product is not
 * something the visitor has seen.
 *
 * @example recentlyViewed({ catalog, visitor: { viewed: ['p3', 'p1'] } }, { limit: 4 })
 */
export function recentlyViewed(input: RecommendInput, options: RecommendOptions = {}): Product[] {
  const { index, allowed } = ranker(input, options);
  const limit = options.limit ?? 10;
  const found: Product[] = [];
  const seen = new Set<number>();
  for (const id of input.visitor?.viewed ?? []) {
    // Not in the catalog: -1, which `allowed` refuses.
    const at = index.position.get(id) ?? -1;
    if (found.length >= limit) break;
    if (!seen.has(at) && allowed(at)) found.push(index.products[at]);
    seen.add(at);
  }
  return found;
}
