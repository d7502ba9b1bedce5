// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { recentlyViewed } from '../../src/recommend/recently-viewed';
import { popular, trending } from '../../src/recommend/popular';
import { similar } from '../../src/recommend/similar';
import { boughtTogether } from '../../src/recommend/bought-together';
import type { CooccurrenceTable } from '../../src/recommend/cooccurrence';
import { ids, shop } from './data';

describe('recentlyViewed', () => {
  it('lists the viewed products newest first, without unknown, out-of-stock or bought ones, nor repeats', () => {
    const visitor = { viewed: ['sandals', 'lamp', 'ghost', 'tent', 'sandals', 'mug'], purchased: ['mug'] };
    expect(ids(recentlyViewed({ catalog: shop, visitor }))).toEqual(['sandals', 'tent']);
    expect(ids(recentlyViewed({ catalog: shop, visitor }, { includeOutOfStock: true, includePurchased: true }))).toEqual(['sandals', 'lamp', 'tent', 'mug']);
    expect(ids(recentlyViewed({ catalog: shop, visitor }, { limit: 1 }))).toEqual(['sandals']);
  });

  it('is empty for a stranger: never topped up with products they have not seen', () => {
    expect(recentlyViewed({ catalog: shop, counts: { tent: 3 } })).toEqual([]);
  });
});

describe('popular and trending', () => {
  const counts = { mug: 5, tent: 9, boots: 5, lamp: 20 };

  it('ranks by count, ties and uncounted products in catalog order, without out-of-stock ones', () => {
    expect(ids(popular({ catalog: shop, counts }))).toEqual(['tent', 'mug', 'boots', 'stove', 'sneakers', 'sandals']);
    expect(ids(popular({ catalog: shop, counts }, { limit: 2, includeOutOfStock: true }))).toEqual(['lamp', 'tent']);
  });

  it('falls back to catalog order without counts', () => {
    expect(ids(popular({ catalog: shop }, { limit: 3 }))).toEqual(['tent', 'stove', 'mug']);
  });

  it('trending ranks by the trending counts, else by counts', () => {
    expect(ids(trending({ catalog: shop, counts, trending: { sandals: 2 } }, { limit: 2 }))).toEqual(['sandals', 'tent']);
    expect(ids(trending({ catalog: shop, counts }, { limit: 2 }))).toEqual(['tent', 'mug']);
  });
});

describe('similar', () => {
  // boots: shoes · outdoor, waterproof, leather · colour brown. Sandals share the
  // category and the colour, sneakers the category, the tent two tags, the stove one
  // common tag; the lamp shares a tag but is out of stock.
  it('ranks by content (weighted cosine of categories, tags and attributes)', () => {
    expect(ids(similar({ catalog: shop }, 'boots', { coViewWeight: 0, fill: false }))).toEqual(['sandals', 'sneakers', 'tent', 'stove']);
  });

  it('blends in co-view neighbours, scaled so the best scores 1', () => {
    const neighbours: CooccurrenceTable = { boots: { viewed: [['stove', 10], ['tent', 2]], bought: [] } };
    expect(ids(similar({ catalog: shop, neighbours }, 'boots', { coViewWeight: 1, fill: false }))).toEqual(['stove', 'tent']);
    // Half and half: the stove's co-views (0.5) beat the sandals' content (≈ 0.29); the
    // tent's content plus a fifth of the co-views (≈ 0.24) passes the sneakers (≈ 0.19).
    expect(ids(similar({ catalog: shop, neighbours }, 'boots', { fill: false }))).toEqual(['stove', 'sandals', 'tent', 'sneakers']);
  });

  it('never returns the anchor; an unknown anchor still gets a topped-up row', () => {
    expect(ids(similar({ catalog: shop }, 'tent'))).not.toContain('tent');
    expect(ids(similar({ catalog: shop, counts: { mug: 1 } }, 'nope', { limit: 2 }))).toEqual(['mug', 'tent']);
  });
});

describe('boughtTogether', () => {
  const neighbours: CooccurrenceTable = {
    tent: { bought: [['stove', 4], ['mug', 2]], viewed: [['lamp', 9], ['boots', 3]] },
    stove: { bought: [['mug', 3]], viewed: [] },
  };

  it('ranks co-purchases first, co-views at a quarter weight, without out-of-stock products', () => {
    // stove 1, mug 0.5, lamp 0.25 (out of stock), boots 0.25 × 3/9.
    expect(ids(boughtTogether({ catalog: shop, neighbours }, 'tent', { fill: false }))).toEqual(['stove', 'mug', 'boots']);
    expect(ids(boughtTogether({ catalog: shop, neighbours }, 'tent', { fill: false, viewWeight: 0 }))).toEqual(['stove', 'mug']);
  });

  it('sums over several anchors (a cart) and never returns an anchor', () => {
    expect(ids(boughtTogether({ catalog: shop, neighbours }, ['tent', 'stove'], { fill: false }))).toEqual(['mug', 'boots']);
  });

  it('tops up from popularity when the collector knows nothing', () => {
    expect(ids(boughtTogether({ catalog: shop, counts: { sandals: 4 } }, 'tent', { limit: 2 }))).toEqual(['sandals', 'stove']);
  });
});
