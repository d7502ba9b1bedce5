// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { forYou } from '../../src/recommend/for-you';
import type { CooccurrenceTable } from '../../src/recommend/cooccurrence';
import { ids, product, shop } from './data';

// a…h in one category; each of a, b, p has one distinct neighbour.
const line = 'abcdefgh'.split('').map((id) => product(id, { categories: ['misc'] }));
const neighbours: CooccurrenceTable = {
  a: { viewed: [['c', 1]], bought: [] },
  b: { viewed: [], bought: [['d', 7]] },
  e: { viewed: [['f', 2]], bought: [['g', 2]] },
};

describe('forYou', () => {
  it('weighs the newer of two viewed products first', () => {
    expect(ids(forYou({ catalog: line, neighbours, visitor: { viewed: ['a', 'b'] } }, { fill: false }))).toEqual(['c', 'd']);
    expect(ids(forYou({ catalog: line, neighbours, visitor: { viewed: ['b', 'a'] } }, { fill: false }))).toEqual(['d', 'c']);
  });

  it('weighs a carted product over a viewed one, and lets the weights be changed', () => {
    const visitor = { viewed: ['a'], carted: ['b'] };
    expect(ids(forYou({ catalog: line, neighbours, visitor }, { fill: false }))).toEqual(['d', 'c']);
    expect(ids(forYou({ catalog: line, neighbours, visitor }, { fill: false, signals: { carted: 0.5 } }))).toEqual(['c', 'd']);
  });

  it('blends co-view and co-purchase lists, each scaled to its best', () => {
    expect(ids(forYou({ catalog: line, neighbours, visitor: { purchased: ['e'] } }, { fill: false }))).toEqual(['f', 'g']);
    expect(ids(forYou({ catalog: line, neighbours, visitor: { purchased: ['e'] } }, { fill: false, lists: { viewed: 0.5 } }))).toEqual(['g', 'f']);
  });

  it('leaves out what the visitor viewed, carted and bought (bought only unless included)', () => {
    const visitor = { viewed: ['a', 'c'], carted: ['e'], purchased: ['b', 'd'] };
    // Neighbours: c (viewed), f and g (from the cart), d (bought).
    expect(ids(forYou({ catalog: line, neighbours, visitor }, { fill: false }))).toEqual(['f', 'g']);
    expect(ids(forYou({ catalog: line, neighbours, visitor }, { fill: false, includePurchased: true }))).toEqual(['f', 'g', 'd']);
  });

  it('leaves out out-of-stock products unless included', () => {
    const catalog = line.map((p) => (p.id === 'c' ? { ...p, inStock: false } : p));
    expect(ids(forYou({ catalog, neighbours, visitor: { viewed: ['a'] } }, { fill: false }))).toEqual([]);
    expect(ids(forYou({ catalog, neighbours, visitor: { viewed: ['a'] } }, { fill: false, includeOutOfStock: true }))).toEqual(['c']);
  });

  it('uses category and tag affinities and quiz outcome tags when there are no neighbours', () => {
    const visitor = { affinities: { categories: { shoes: 4, camping: 1 }, tags: {} } };
    // Shoes first (ties by popularity, then catalog order), then camping; the lamp is out of stock.
    expect(ids(forYou({ catalog: shop, visitor, counts: { sandals: 3 } }, { fill: false }))).toEqual(['sandals', 'boots', 'sneakers', 'tent', 'stove']);
    expect(ids(forYou({ catalog: shop, visitor: { outcomeTags: ['cooking'] } }, { fill: false }))).toEqual(['stove', 'mug']);
    // A tag affinity and an outcome tag add up.
    const both = { affinities: { tags: { waterproof: 1 } }, outcomeTags: ['leather'] };
    expect(ids(forYou({ catalog: shop, visitor: both }, { fill: false }))).toEqual(['boots', 'tent']);
  });

  it('lets neighbours of the latest view lead over a category affinity', () => {
    const catalog = [...line, product('z', { categories: ['loved'] })];
    const visitor = { viewed: ['a'], affinities: { categories: { loved: 10 } } };
    expect(ids(forYou({ catalog, neighbours, visitor }, { fill: false }))).toEqual(['c', 'z']);
  });

  it('gives a stranger the popular list, then catalog order', () => {
    expect(ids(forYou({ catalog: shop, counts: { mug: 2, boots: 1 } }, { limit: 4 }))).toEqual(['mug', 'boots', 'tent', 'stove']);
  });
});
