// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { countOf, neighboursOf } from '../../src/recommend/rank';
import { popular } from '../../src/recommend/popular';
import { similar } from '../../src/recommend/similar';
import { boughtTogether } from '../../src/recommend/bought-together';
import { forYou } from '../../src/recommend/for-you';
import { recentlyViewed } from '../../src/recommend/recently-viewed';
import type { CooccurrenceTable } from '../../src/recommend/cooccurrence';
import { ids, shop } from './data';

// Every model on the same input: the exclusion rules are the ranker's, shared by all.
const neighbours: CooccurrenceTable = {
  tent: { viewed: [['lamp', 5], ['stove', 4], ['mug', 3]], bought: [['lamp', 5], ['stove', 4], ['mug', 3]] },
};
const visitor = { viewed: ['tent'], purchased: ['stove'] };
const input = { catalog: shop, neighbours, visitor };
const models = {
  popular: (o = {}) => popular(input, o),
  similar: (o = {}) => similar(input, 'tent', o),
  'bought together': (o = {}) => boughtTogether(input, 'tent', o),
  'for you': (o = {}) => forYou(input, o),
  'recently viewed': (o = {}) => recentlyViewed({ ...input, visitor: { viewed: ['lamp', 'stove', 'mug'], purchased: ['stove'] } }, o),
};

describe('exclusion rules, in every model', () => {
  for (const [name, run] of Object.entries(models)) {
    it(`${name}: leaves out bought and out-of-stock products unless included, and honours exclude and limit`, () => {
      const plain = ids(run());
      expect(plain).not.toContain('stove');
      expect(plain).not.toContain('lamp');
      expect(ids(run({ includePurchased: true }))).toContain('stove');
      expect(ids(run({ includeOutOfStock: true }))).toContain('lamp');
      expect(ids(run({ exclude: ['mug'] }))).not.toContain('mug');
      expect(run({ limit: 1 }).length).toBeLessThanOrEqual(1);
      expect(run({ limit: 0 })).toEqual([]);
    });
  }
});

describe('lookups', () => {
  it('treat ids like "constructor" and "__proto__" as absent, not as Object.prototype members', () => {
    const table = JSON.parse('{"__proto__": {"viewed": [["tent", 1]], "bought": []}}') as CooccurrenceTable;
    expect(neighboursOf(table, 'constructor', 'viewed')).toEqual([]);
    expect(neighboursOf(table, '__proto__', 'viewed')).toEqual([['tent', 1]]);
    expect(countOf({}, 'constructor')).toBe(0);
    expect(countOf({ toString: 3 } as unknown as Record<string, number>, 'toString')).toBe(3);
    expect(() => forYou({ catalog: shop, neighbours: table, counts: {}, visitor: { viewed: ['constructor'] } })).not.toThrow();
  });

  it('skip neighbours missing from the catalog', () => {
    const table: CooccurrenceTable = { tent: { viewed: [], bought: [['gone', 9], ['mug', 1]] } };
    expect(ids(boughtTogether({ catalog: shop, neighbours: table }, 'tent', { fill: false }))).toEqual(['mug']);
  });
});

describe('ranking ties', () => {
  it('breaks equal scores by popularity, then catalog order, whatever order the scores came in', () => {
    // Equal shares from a quiz tag; then equal co-purchase scores listed mug first: the tent leads the catalog.
    const catalog = shop.map((p) => (p.id === 'mug' || p.id === 'tent' ? { ...p, tags: ['gift'] } : p));
    expect(ids(forYou({ catalog, visitor: { outcomeTags: ['gift'] } }, { fill: false }))).toEqual(['tent', 'mug']);
    expect(ids(forYou({ catalog, counts: { mug: 1 }, visitor: { outcomeTags: ['gift'] } }, { fill: false }))).toEqual(['mug', 'tent']);
    const table: CooccurrenceTable = { boots: { viewed: [], bought: [['mug', 1], ['tent', 1]] } };
    expect(ids(boughtTogether({ catalog: shop, neighbours: table }, 'boots', { fill: false }))).toEqual(['tent', 'mug']);
  });

  it('rounds a fractional limit down', () => {
    expect(popular({ catalog: shop }, { limit: 2.7 })).toHaveLength(2);
  });
});
