// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { cooccurrence, type Interaction } from '../../src/recommend/cooccurrence';

const MIN = 60_000;
const view = (visitor: string, productId: string, minute: number): Interaction => ({
  kind: 'view',
  productId,
  visitor,
  time: minute * MIN,
});
const buy = (visitor: string, order: string | undefined, productId: string, minute = 0): Interaction => ({
  kind: 'buy',
  productId,
  visitor,
  order,
  time: minute * MIN,
});

describe('cooccurrence', () => {
  it('counts sessions with both products as the co-view score', () => {
    const table = cooccurrence([
      // Ann: one session a, b, c (a viewed twice counts once).
      view('ann', 'a', 0),
      view('ann', 'b', 5),
      view('ann', 'a', 6),
      view('ann', 'c', 10),
      // Bob: a and b together twice, in two sessions 2 hours apart.
      view('bob', 'a', 0),
      view('bob', 'b', 1),
      view('bob', 'a', 120),
      view('bob', 'b', 121),
      // Cy: a single view pairs with nothing.
      view('cy', 'd', 0),
    ]);
    expect(table).toEqual({
      a: { viewed: [['b', 3], ['c', 1]], bought: [] },
      b: { viewed: [['a', 3], ['c', 1]], bought: [] },
      c: { viewed: [['a', 1], ['b', 1]], bought: [] },
    });
  });

  it('splits sessions at gaps longer than sessionGapMs, measured between consecutive views', () => {
    // 25 + 25 minutes: each gap is under 30, so x and z share a session though 50 minutes apart.
    const chain = [view('v', 'x', 0), view('v', 'y', 25), view('v', 'z', 50)];
    expect(cooccurrence(chain).x.viewed).toEqual([['y', 1], ['z', 1]]);
    expect(cooccurrence(chain, { sessionGapMs: 20 * MIN })).toEqual({});
  });

  it('does not pair views of different visitors, and sorts input by time itself', () => {
    const table = cooccurrence([view('v', 'b', 40), view('w', 'c', 1), view('v', 'a', 0)]);
    // v's views are 40 minutes apart: two sessions; w's c never meets v's products.
    expect(table).toEqual({});
  });

  it('counts orders with both products as the co-purchase score', () => {
    const table = cooccurrence([
      buy('ann', 'o1', 'a'),
      buy('ann', 'o1', 'b'),
      buy('ann', 'o1', 'c'),
      buy('bob', 'o2', 'a'),
      buy('bob', 'o2', 'b'),
      buy('bob', 'o2', 'b'), // same product twice in an order counts once
      buy('cy', 'o3', 'c'),
    ]);
    expect(table).toEqual({
      a: { viewed: [], bought: [['b', 2], ['c', 1]] },
      b: { viewed: [], bought: [['a', 2], ['c', 1]] },
      c: { viewed: [], bought: [['a', 1], ['b', 1]] },
    });
  });

  it('groups purchases without an order id by visitor and instant', () => {
    const table = cooccurrence([buy('v', undefined, 'a', 0), buy('v', undefined, 'b', 0), buy('v', undefined, 'c', 9)]);
    expect(table).toEqual({ a: { viewed: [], bought: [['b', 1]] }, b: { viewed: [], bought: [['a', 1]] } });
  });

  it('keeps views and purchases apart, ranks by score then id, and honours top and minCount', () => {
    const interactions = [
      view('v', 'p', 0),
      view('v', 'q', 1),
      view('w', 'p', 0),
      view('w', 'q', 1),
      view('w', 'r', 2),
      buy('v', 'o', 'p'),
      buy('v', 'o', 's'),
    ];
    expect(cooccurrence(interactions).p).toEqual({ viewed: [['q', 2], ['r', 1]], bought: [['s', 1]] });
    expect(cooccurrence(interactions, { top: 1 }).p.viewed).toEqual([['q', 2]]);
    const strict = cooccurrence(interactions, { minCount: 2 });
    expect(strict).toEqual({ p: { viewed: [['q', 2]], bought: [] }, q: { viewed: [['p', 2]], bought: [] } });
  });

  it('caps each basket at maxBasket distinct products (first ones kept)', () => {
    const session = ['a', 'b', 'c', 'd'].map((id, i) => view('v', id, i));
    const table = cooccurrence(session, { maxBasket: 2 });
    expect(Object.keys(table)).toEqual(['a', 'b']);
  });

  it('gives byte-identical JSON for the same interactions in any order', () => {
    const interactions = [view('v', 'b', 0), view('v', 'a', 1), view('v', 'c', 2), buy('v', 'o', 'c'), buy('v', 'o', 'a')];
    const shuffled = [...interactions].reverse();
    expect(JSON.stringify(cooccurrence(shuffled))).toBe(JSON.stringify(cooccurrence(interactions)));
    expect(Object.keys(cooccurrence(interactions))).toEqual(['a', 'b', 'c']);
  });

  it('handles a realistic volume (200,000 interactions) within the default bounds', () => {
    const interactions: Interaction[] = [];
    let seed = 1;
    const next = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let v = 0; v < 20_000; v++) {
      for (let k = 0; k < 8; k++) interactions.push(view(`v${v}`, `p${Math.floor(next() * 2000)}`, k));
      interactions.push(buy(`v${v}`, `o${v}`, `p${Math.floor(next() * 2000)}`));
      interactions.push(buy(`v${v}`, `o${v}`, `p${Math.floor(next() * 2000)}`));
    }
    const table = cooccurrence(interactions);
    expect(Object.keys(table).length).toBeGreaterThan(1900);
    expect(table.p1.viewed.length).toBeLessThanOrEqual(10);
  });

  it('scores by cosine with shrinkage: shared baskets over √(nᵢ·nⱼ) + shrink', () => {
    // a is in 3 orders, b in 2, c in 1; a–b share 2, a–c share 1.
    const orders = [buy('v', 'o1', 'a'), buy('v', 'o1', 'b'), buy('v', 'o2', 'a'), buy('v', 'o2', 'b'), buy('v', 'o3', 'a'), buy('v', 'o3', 'c')];
    expect(cooccurrence(orders, { score: 'cosine', shrink: 0 }).a.bought).toEqual([['b', 0.8165], ['c', 0.5774]]); // 2/√6, 1/√3
    expect(cooccurrence(orders, { score: 'cosine', shrink: 1 }).a.bought).toEqual([['b', 0.5798], ['c', 0.366]]); // 2/(√6+1), 1/(√3+1)
  });

  it('scores by lift, shrunk by the number of shared baskets', () => {
    const orders = [buy('v', 'o1', 'a'), buy('v', 'o1', 'b'), buy('v', 'o2', 'a'), buy('v', 'o2', 'b'), buy('v', 'o3', 'a'), buy('v', 'o3', 'c')];
    // Lift a–b = 2·3/(3·2) = 1 and a–c = 1·3/(3·1) = 1; shrink 1 keeps 2/3 and 1/2 of them.
    expect(cooccurrence(orders, { score: 'lift', shrink: 0 }).a.bought).toEqual([['b', 1], ['c', 1]]);
    expect(cooccurrence(orders, { score: 'lift', shrink: 1 }).a.bought).toEqual([['b', 0.6667], ['c', 0.5]]);
  });

  it('weighs a pair d positions apart by proximity^(d−1), in time order within a session', () => {
    const session = [view('v', 'c', 2), view('v', 'a', 0), view('v', 'b', 1)];
    expect(cooccurrence(session, { proximity: 0.5 })).toEqual({
      a: { viewed: [['b', 1], ['c', 0.5]], bought: [] },
      b: { viewed: [['a', 1], ['c', 1]], bought: [] },
      c: { viewed: [['b', 1], ['a', 0.5]], bought: [] },
    });
    // Summed over baskets: a–c adjacent in one session, two apart in another.
    const two = [...session, view('w', 'a', 0), view('w', 'c', 1)];
    expect(cooccurrence(two, { proximity: 0.5 }).a.viewed).toEqual([['c', 1.5], ['b', 1]]);
  });

  it('keeps the lines of an order in their listed order for proximity', () => {
    const order = [buy('v', 'o', 'x'), buy('v', 'o', 'y'), buy('v', 'o', 'z')];
    expect(cooccurrence(order, { proximity: 0.1 }).x.bought).toEqual([['y', 1], ['z', 0.1]]);
  });

  it('keeps plain counts exact integers and rounds other scores to four significant digits', () => {
    const many = Array.from({ length: 12_345 }, (_, i) => [buy('v', `o${i}`, 'a'), buy('v', `o${i}`, 'b')]).flat();
    expect(cooccurrence(many).a.bought).toEqual([['b', 12_345]]);
    expect(cooccurrence(many, { proximity: 0.5 }).a.bought).toEqual([['b', 12_345]]);
    expect(cooccurrence(many, { score: 'cosine', shrink: 0.5 }).a.bought).toEqual([['b', 1]]); // 12345 / 12345.5 = 0.99996
  });

  it('treats product ids like "__proto__" and "constructor" as plain keys', () => {
    const table = cooccurrence([buy('v', 'o', '__proto__'), buy('v', 'o', 'constructor')]);
    expect(Object.keys(table)).toEqual(['__proto__', 'constructor']);
    expect(table['__proto__'].bought).toEqual([['constructor', 1]]);
    expect(JSON.parse(JSON.stringify(table)).constructor.bought).toEqual([['__proto__', 1]]);
  });
});
