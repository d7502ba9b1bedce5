// @vitest-environment node
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Interaction } from '../../src/recommend/cooccurrence';
import { popularity } from '../../src/recommend/popularity';
import { addDecayed, countsOf, decayedAt, decayRate, type DecayedScore } from '../../src/recommend/popularity-state';

const DAY = 864e5;

// Adds each interaction as it arrives, then decays every product to `present`.
function incremental(list: readonly Interaction[], halfLifeDays: number, present: number) {
  const rate = decayRate(halfLifeDays);
  const scores = new Map<string, DecayedScore>();
  for (const i of list) scores.set(i.productId, addDecayed(scores.get(i.productId), i.time, i.kind === 'buy' ? 5 : 1, rate));
  return countsOf([...scores].map(([id, s]) => [id, decayedAt(s, present, rate)]));
}

const interaction = fc.record({
  kind: fc.constantFrom('view' as const, 'buy' as const),
  productId: fc.constantFrom('a', 'b', 'c', '__proto__'),
  visitor: fc.constant('v'),
  time: fc.integer({ min: 0, max: 90 * DAY }),
});

describe('popularity, added to incrementally', () => {
  it('equals popularity() decayed to the latest interaction, whatever order interactions arrive in', () => {
    fc.assert(
      fc.property(fc.array(interaction, { maxLength: 40 }), fc.constantFrom(2, 30, 0.01), (list, halfLifeDays) => {
        const present = Math.max(0, ...list.map((i) => i.time));
        expect(incremental(list, halfLifeDays, present)).toEqual(popularity(list, { halfLifeDays, now: present }));
      }),
      { numRuns: 300 },
    );
  });

  it('equals popularity() at any later present', () => {
    fc.assert(
      fc.property(fc.array(interaction, { maxLength: 40 }), fc.integer({ min: 0, max: 60 * DAY }), (list, later) => {
        const present = Math.max(0, ...list.map((i) => i.time)) + later;
        expect(incremental(list, 30, present)).toEqual(popularity(list, { halfLifeDays: 30, now: present }));
      }),
    );
  });

  it('takes a product whose latest interaction is later than the present at that latest time', () => {
    const list: Interaction[] = [
      { kind: 'view', productId: 'a', visitor: 'v', time: 0 },
      { kind: 'view', productId: 'a', visitor: 'v', time: 2 * DAY },
    ];
    // popularity() at day 1: the day-0 view half a half-life old, the day-2 one undecayed.
    expect(popularity(list, { halfLifeDays: 2, now: DAY })).toEqual({ a: 1.707 });
    // Here: both decayed to day 2, the later one's time.
    expect(incremental(list, 2, DAY)).toEqual({ a: 1.5 });
    // A single future interaction weighs its full weight either way.
    expect(incremental(list.slice(1), 2, DAY)).toEqual(popularity(list.slice(1), { halfLifeDays: 2, now: DAY }));
  });
});
