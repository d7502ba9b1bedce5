/**
 * Popularity counts with time decay, computed by the collector over every visitor
 * (one browser cannot know them) and pulled as compact JSON. The same function with a
 * short half-life gives "trending".
 */
import type { Interaction } from './cooccurrence';

/** A score per product id, e.g. `{ "p1": 12.5 }`. Keys sorted, so equal input gives equal JSON. */
export type Counts = Record<string, number>;

/** Options of {@link popularity}. */
export interface PopularityOptions {
  /** The present, in milliseconds since the epoch (default: the latest interaction's time, so the result depends on the input only). */
  now?: number;
  /** Half-life of an interaction's weight, in days (default: no decay). Popular: 30; trending: 2. */
  halfLifeDays?: number;
  /** Weight of a view and of a purchase (default 1 and 5, as the profile's affinities weigh them). */
  weights?: { view?: number; buy?: number };
}

/**
 * Decayed interaction counts per product: Σ weight × ½^(age / half-life).
 *
 * @example popularity(interactions, { halfLifeDays: 2 }) // trending
 */
export function popularity(interactions: readonly Interaction[], { now, halfLifeDays, weights = {} }: PopularityOptions = {}): Counts {
  const { view = 1, buy = 5 } = weights;
  let present = now ?? -Infinity;
  if (now === undefined) for (const i of interactions) present = Math.max(present, i.time);
  const rate = halfLifeDays && halfLifeDays > 0 && isFinite(halfLifeDays) ? Math.LN2 / (halfLifeDays * 864e5) : 0;
  const sums = new Map<string, number>();
  for (const i of interactions) {
    const weight = (i.kind === 'buy' ? buy : view) * Math.exp(-rate * Math.max(0, present - i.time));
    sums.set(i.productId, (sums.get(i.productId) ?? 0) + weight);
  }
  // Prototype-free: a product id "__proto__" is just another key.
  const counts: Counts = Object.create(null);
  for (const id of [...sums.keys()].sort()) counts[id] = +sums.get(id)!.toPrecision(4);
  return counts;
}
