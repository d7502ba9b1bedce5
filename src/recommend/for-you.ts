/**
 * The "for you" row: neighbours of what the visitor viewed, carted and bought,
 * weighted by recency, blended with their category and tag affinities and the tags of
 * their quiz outcome. The item-to-item part is what the offline benchmark measures.
 */
import type { Product } from './catalog';
import { addNeighbours, addScore, neighboursOf, ranker, type RecommendInput, type RecommendOptions } from './rank';

/**
 * Options of {@link forYou}. `recency` and `history` were chosen on bench/recs.mjs;
 * the other weights are not measured there (its visitors have purchases only) and
 * follow the profile's reading of intent: a cart line says more than a view.
 */
export interface ForYouOptions extends RecommendOptions {
  /** Weight of a viewed, a carted and a bought product's neighbours (default 1, 3 and 2: the visitor owns what they bought). */
  signals?: { viewed?: number; carted?: number; purchased?: number };
  /** Each step back in a list multiplies the weight by this (default 0.75: the latest interest leads). */
  recency?: number;
  /** Items read per list, newest first (default 20: at 0.75, the 21st would weigh 0.3%). */
  history?: number;
  /** Weight of co-view and co-purchase neighbours (default 1 each). */
  lists?: { viewed?: number; bought?: number };
  /** Share added to products of the visitor's top 3 categories (default 0.3 for the strongest; tags get half). */
  affinity?: number;
  /** Share added to products carrying a quiz outcome tag (default 0.5). */
  outcome?: number;
}

// The visitor's strongest few interests, each scaled so the strongest is 1.
function strongest(table: Record<string, number> | undefined, keep: number): [string, number][] {
  const entries = Object.entries(table ?? {}).filter(([, v]) => typeof v == 'number' && v > 0);
  entries.sort((a, b) => b[1] - a[1]);
  const top = entries.slice(0, keep);
  return top.map(([key, value]) => [key, value / top[0][1]]);
}

/**
 * Products for this visitor. Each product of their lists (newest first, `history` at
 * most) contributes its co-view and co-purchase neighbours × signal weight ×
 * recency^position; products in the visitor's top categories and tags, and those
 * carrying a quiz outcome tag, add `affinity` and `outcome` shares. What they viewed,
 * carted or bought is left out (bought only unless included), as are out-of-stock
 * products. A stranger, with nothing to go on, gets {@link popular}'s list.
 *
 * @example forYou({ catalog, neighbours, counts, visitor: visitorOf(state, Date.now()) }, { limit: 4 })
 */
export function forYou(input: RecommendInput, options: ForYouOptions = {}): Product[] {
  const visitor = input.visitor ?? {};
  const { signals = {}, lists = {}, recency = 0.75, history = 20, affinity = 0.3, outcome = 0.5 } = options;
  const { index, pick, scores: empty } = ranker(input, options, [...(visitor.viewed ?? []), ...(visitor.carted ?? [])]);
  const scores = empty();
  const weights: [readonly string[] | undefined, number][] = [
    [visitor.viewed, signals.viewed ?? 1],
    [visitor.carted, signals.carted ?? 3],
    [visitor.purchased, signals.purchased ?? 2],
  ];
  for (const [ids = [], weight] of weights) {
    let w = weight;
    for (let i = 0; i < ids.length && i < history; i++, w *= recency) {
      addNeighbours(scores, index, neighboursOf(input.neighbours, ids[i], 'viewed'), w * (lists.viewed ?? 1));
      addNeighbours(scores, index, neighboursOf(input.neighbours, ids[i], 'bought'), w * (lists.bought ?? 1));
    }
  }
  // Affinities reach products with no neighbours at all (new, or a site without a
  // collector): through the category and tag groups (built on first use), only
  // products carrying the interest.
  const boost = (kind: 'categories' | 'tags', name: string, share: number) => {
    for (const at of index.groups()[kind].get(name) ?? []) addScore(scores, at, share);
  };
  for (const [category, v] of strongest(visitor.affinities?.categories, 3)) boost('categories', category, v * affinity);
  for (const [tag, v] of strongest(visitor.affinities?.tags, 5)) boost('tags', tag, (v * affinity) / 2);
  for (const tag of visitor.outcomeTags ?? []) boost('tags', tag, outcome);
  return pick(scores);
}
