// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { popularity } from '../../src/recommend/popularity';
import type { Interaction } from '../../src/recommend/cooccurrence';

const DAY = 864e5;
const at = (kind: Interaction['kind'], productId: string, day: number): Interaction => ({ kind, productId, visitor: 'v', time: day * DAY });

describe('popularity', () => {
  const interactions = [at('view', 'a', 0), at('view', 'a', 10), at('buy', 'b', 0), at('view', 'c', 10)];

  it('counts views 1 and purchases 5 by default, keys sorted', () => {
    const counts = popularity(interactions);
    expect(counts).toEqual({ a: 2, b: 5, c: 1 });
    expect(Object.keys(counts)).toEqual(['a', 'b', 'c']);
  });

  it('halves a weight every half-life, counted from the latest interaction by default', () => {
    // Day 0 is one 10-day half-life before day 10.
    expect(popularity(interactions, { halfLifeDays: 10 })).toEqual({ a: 1.5, b: 2.5, c: 1 });
    expect(popularity(interactions, { halfLifeDays: 10, now: 20 * DAY })).toEqual({ a: 0.75, b: 1.25, c: 0.5 });
  });

  it('takes other weights', () => {
    expect(popularity(interactions, { weights: { view: 0, buy: 1 } })).toEqual({ a: 0, b: 1, c: 0 });
  });

  it('is empty for no interactions', () => {
    expect(popularity([])).toEqual({});
  });
});
