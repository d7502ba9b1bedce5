// @vitest-environment node
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cooccurrence, resolveOptions, type CooccurrenceOptions, type Interaction } from '../../src/recommend/cooccurrence';
import { applyChanges, emptyState, foldInteractions, tableOfState, type CoocState } from '../../src/recommend/cooccurrence-state';

const MIN = 60_000;
const GAP = 30 * MIN;

// Adds interactions in batches, each batch as the collector's fold hands it over
// (sorted by visitor, each visitor's in the order stored) when `byVisitor` is set.
function incremental(batches: Interaction[][], options: CooccurrenceOptions, byVisitor = false): CoocState {
  const { sessionGapMs, maxBasket, proximity } = resolveOptions(options);
  const state = emptyState();
  for (const batch of batches) {
    const list = byVisitor ? [...batch].sort((a, b) => (a.visitor < b.visitor ? -1 : a.visitor > b.visitor ? 1 : 0)) : batch;
    applyChanges(state, foldInteractions(list, (v) => state.visitors.get(v), { sessionGapMs, maxBasket, proximity }));
  }
  return state;
}
const tableOf = (state: CoocState, options: CooccurrenceOptions) => tableOfState(state, resolveOptions(options));

// One action of a visitor: a view, or an order of several products; `after` is the time
// since the visitor's previous action, so each visitor's actions are in time order while
// the visitors' are interleaved.
const action = fc.record({
  visitor: fc.constantFrom('ann', 'bob', 'cy', '__proto__'),
  after: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 3 * GAP })),
  products: fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'constructor'), { minLength: 1, maxLength: 5 }),
  order: fc.option(fc.constant(true), { nil: undefined }),
  named: fc.boolean(),
});

function interactionsOf(actions: unknown[]): Interaction[] {
  const clock = new Map<string, number>();
  const list: Interaction[] = [];
  let orders = 0;
  for (const a of actions as { visitor: string; after: number; products: string[]; order?: true; named: boolean }[]) {
    // Orders without an id are grouped by visitor and time, so each has its own instant
    // (the collector names every order: by order_id, else by the event's messageId).
    const time = (clock.get(a.visitor) ?? 0) + (a.order && !a.named ? Math.max(1, a.after) : a.after);
    clock.set(a.visitor, time);
    if (a.order) {
      const order = a.named ? `o${++orders}` : undefined;
      for (const productId of a.products) list.push(order === undefined ? { kind: 'buy', productId, visitor: a.visitor, time } : { kind: 'buy', productId, visitor: a.visitor, time, order });
    } else list.push({ kind: 'view', productId: a.products[0], visitor: a.visitor, time });
  }
  return list;
}

const options = fc.record({
  score: fc.constantFrom('count' as const, 'cosine' as const, 'lift' as const),
  shrink: fc.constantFrom(0, 5),
  proximity: fc.constantFrom(1, 0.9, 0.5),
  top: fc.constantFrom(1, 2, 3, 20),
  maxBasket: fc.constantFrom(1, 2, 4, 50),
  minCount: fc.constantFrom(1, 2),
});

// Cuts a list into consecutive batches at the given fractions.
const batched = (list: Interaction[], cuts: number[]) => {
  const at = [...new Set(cuts.map((c) => Math.floor(c * list.length)))].sort((a, b) => a - b);
  const batches: Interaction[][] = [];
  let from = 0;
  for (const to of [...at, list.length]) {
    batches.push(list.slice(from, to));
    from = to;
  }
  return batches;
};

describe('co-occurrence state, added to incrementally', () => {
  it('gives what cooccurrence() gives for the whole list, in any batching, for count, cosine and lift', () => {
    fc.assert(
      fc.property(fc.array(action, { maxLength: 60 }), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 }), options, fc.boolean(), (actions, cuts, o, byVisitor) => {
        const list = interactionsOf(actions);
        const state = incremental(batched(list, cuts), o, byVisitor);
        expect(JSON.stringify(tableOf(state, o))).toBe(JSON.stringify(cooccurrence(list, o)));
      }),
      { numRuns: 300 },
    );
  });

  it('gives the collector’s table for a larger history in batches of 50', () => {
    const o = { score: 'cosine' as const, shrink: 5, proximity: 0.9, top: 20 };
    const list: Interaction[] = [];
    let seed = 3;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let v = 0; v < 400; v++) {
      let time = Math.floor(random() * 1e9);
      for (let k = 1 + Math.floor(random() * 12); k > 0; k--) list.push({ kind: 'view', productId: `p${Math.floor(random() * 60)}`, visitor: `v${v}`, time: (time += Math.floor(random() * 2 * GAP)) });
      if (random() < 0.3) for (let k = 1 + Math.floor(random() * 4); k > 0; k--) list.push({ kind: 'buy', productId: `p${Math.floor(random() * 60)}`, visitor: `v${v}`, time, order: `o${v}` });
    }
    const batches = Array.from({ length: Math.ceil(list.length / 50) }, (_, i) => list.slice(i * 50, i * 50 + 50));
    expect(JSON.stringify(tableOf(incremental(batches, o, true), o))).toBe(JSON.stringify(cooccurrence(list, o)));
  });

  it('counts a late view as if it came at its session’s last view, where a full recompute sorts it into place', () => {
    const o = { proximity: 0.5 };
    const late: Interaction[] = [
      { kind: 'view', productId: 'a', visitor: 'v', time: 0 },
      { kind: 'view', productId: 'b', visitor: 'v', time: 10 * MIN },
      // Older than the session's last view: joins the session at its end (after b).
      { kind: 'view', productId: 'c', visitor: 'v', time: 5 * MIN },
    ];
    const state = incremental([late.slice(0, 2), late.slice(2)], o);
    // a–c two apart (0.5), b–c next to each other (1); sorted by time, c sits between a and b.
    expect(tableOf(state, o).c.viewed).toEqual([['b', 1], ['a', 0.5]]);
    expect(cooccurrence(late, o).c.viewed).toEqual([['a', 1], ['b', 1]]);
    // A view older than the gap still joins the open session: a closed session is never reopened.
    const old = incremental([[...late.slice(0, 2)], [{ kind: 'view', productId: 'd', visitor: 'v', time: -5 * GAP }]], {});
    expect(tableOf(old, {}).d.viewed).toEqual([['a', 1], ['b', 1]]);
    expect(cooccurrence([...late.slice(0, 2), { kind: 'view', productId: 'd', visitor: 'v', time: -5 * GAP }]).d).toBeUndefined();
    // The session's last view stays where it was, so the next view is judged from it.
    expect(old.visitors.get('v')!.view!.last).toBe(10 * MIN);
  });

  it('keeps an order’s basket open per visitor: the same order id after another order is a new basket', () => {
    const buys: Interaction[] = [
      { kind: 'buy', productId: 'a', visitor: 'v', time: 0, order: 'o1' },
      { kind: 'buy', productId: 'b', visitor: 'v', time: 0, order: 'o2' },
      { kind: 'buy', productId: 'c', visitor: 'v', time: 1, order: 'o1' },
    ];
    expect(tableOf(incremental([buys], {}), {}).c).toBeUndefined();
    expect(cooccurrence(buys).c.bought).toEqual([['a', 1]]);
    // The same order id right after (a resent or split order) joins it, in any batching.
    const split: Interaction[] = [buys[0], { ...buys[2], time: 0 }];
    expect(tableOf(incremental([[split[0]], [split[1]]], {}), {})).toEqual(cooccurrence(split));
  });
});
