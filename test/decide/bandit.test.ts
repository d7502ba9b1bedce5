import { describe, expect, it } from 'vitest';
import { banditWeights, mulberry32, thompsonChoose, type ArmStats } from '../../src/decide/bandit';

const arm = (id: string, impressions: number, conversions: number): ArmStats => ({ id, impressions, conversions });
const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);

describe('thompsonChoose', () => {
  it('returns the arm with the highest draw, and every draw in arm order', () => {
    const arms = [arm('a', 100, 3), arm('b', 100, 5), arm('c', 0, 0)];
    const { id, draws } = thompsonChoose(arms, mulberry32(1));
    expect(draws).toHaveLength(3);
    expect(id).toBe(arms[draws.indexOf(Math.max(...draws))].id);
    draws.forEach((d) => expect(d).toBeGreaterThanOrEqual(0));
    draws.forEach((d) => expect(d).toBeLessThanOrEqual(1));
  });

  it('repeats with the same seed', () => {
    const arms = [arm('a', 50, 2), arm('b', 50, 3)];
    expect(thompsonChoose(arms, mulberry32(7))).toEqual(thompsonChoose(arms, mulberry32(7)));
  });

  it('returns a null id for no arms', () => {
    expect(thompsonChoose([], Math.random)).toEqual({ id: null, draws: [] });
  });

  it('almost always picks a clear winner, and explores arms without data', () => {
    const random = mulberry32(3);
    const wins = { good: 0, bad: 0 };
    for (let i = 0; i < 2000; i++) wins[thompsonChoose([arm('good', 1000, 100), arm('bad', 1000, 20)], random).id as 'good' | 'bad']++;
    expect(wins.good).toBeGreaterThan(1990);
    // A fresh arm is Beta(1, 1): it beats a 10 % arm about 90 % of the time.
    let fresh = 0;
    for (let i = 0; i < 2000; i++) fresh += Number(thompsonChoose([arm('known', 1000, 100), arm('new', 0, 0)], random).id === 'new');
    expect(fresh / 2000).toBeGreaterThan(0.85);
  });

  it('clamps bad counts instead of producing NaN', () => {
    const random = mulberry32(5);
    const arms = [
      arm('nan', NaN, NaN),
      arm('negative', -10, -3),
      arm('infinite', Infinity, 5),
      arm('over', 10, 50),
      arm('fractional', 10.5, 2.25),
    ];
    for (let i = 0; i < 200; i++) {
      const { id, draws } = thompsonChoose(arms, random);
      expect(arms.map((a) => a.id)).toContain(id);
      draws.forEach((d) => expect(d >= 0 && d <= 1).toBe(true));
    }
    // Conversions above impressions count as 10 of 10: a near-certain winner against 1 %.
    let over = 0;
    for (let i = 0; i < 500; i++) over += Number(thompsonChoose([arm('over', 10, 50), arm('low', 1000, 10)], random).id === 'over');
    expect(over).toBe(500);
  });
});

describe('banditWeights', () => {
  const opts = (seed: number) => ({ random: mulberry32(seed) });

  it('sums to 1, in arm order, with every arm at or above the floor', () => {
    const w = banditWeights([arm('a', 500, 10), arm('b', 500, 25), arm('c', 500, 12)], opts(1));
    expect(w).toHaveLength(3);
    expect(sum(w)).toBeCloseTo(1, 12);
    w.forEach((x) => expect(x).toBeGreaterThanOrEqual(0.01));
    expect(w.indexOf(Math.max(...w))).toBe(1);
  });

  it('gives a clear winner all but the floors', () => {
    const w = banditWeights([arm('a', 5000, 50), arm('b', 5000, 500), arm('c', 5000, 60)], opts(2));
    expect(w[0]).toBeCloseTo(0.01, 3);
    expect(w[2]).toBeCloseTo(0.01, 3);
    expect(w[1]).toBeCloseTo(0.98, 3);
  });

  it('splits evenly between arms it cannot tell apart', () => {
    const w = banditWeights([arm('a', 100, 5), arm('b', 100, 5), arm('c', 100, 5), arm('d', 100, 5)], {
      ...opts(3),
      draws: 20_000,
    });
    w.forEach((x) => expect(Math.abs(x - 0.25)).toBeLessThan(0.02));
  });

  it('estimates the probability of being best', () => {
    // Two arms, Beta(11, 91) against Beta(16, 86): P(second is best) is about 0.85.
    const w = banditWeights([arm('a', 100, 10), arm('b', 100, 15)], { ...opts(4), draws: 20_000, floor: 0 });
    expect(w[1]).toBeGreaterThan(0.82);
    expect(w[1]).toBeLessThan(0.89);
  });

  it('lowers the floor to 1/arms when arms × floor exceeds 1, and allows no floor', () => {
    const many = Array.from({ length: 200 }, (_, i) => arm(String(i), 10, i % 3));
    const w = banditWeights(many, { ...opts(5), draws: 50 });
    expect(sum(w)).toBeCloseTo(1, 10);
    w.forEach((x) => expect(x).toBeCloseTo(1 / 200, 12));
    const none = banditWeights([arm('a', 5000, 50), arm('b', 5000, 500)], { ...opts(6), floor: 0 });
    expect(none).toEqual([0, 1]);
  });

  it('handles no arms and silly options', () => {
    expect(banditWeights([], opts(7))).toEqual([]);
    const w = banditWeights([arm('a', 1, 1), arm('b', 1, 0)], { ...opts(8), draws: NaN, floor: NaN });
    expect(sum(w)).toBeCloseTo(1, 12);
    expect(w.every((x) => x === 0 || x === 1)).toBe(true);
  });
});
