import { describe, expect, it } from 'vitest';
import { chooseByWeights, hashBucket } from '../../src/decide/hash';
import vectors from '../vectors/hash.json';

// Source: the hash-version-2 rows of the "hash" table in GrowthBook's cross-SDK test
// suite, cases.json spec 0.7.1 (read from growthbook/growthbook-python, tests/cases.json;
// the SDKs share this file). Rows are [seed, id, bucket]; the v1 rows are left out.
describe('hashBucket', () => {
  it.each(vectors as [string, string, number][])('GrowthBook v2: seed %j, id %j', (seed, id, expected) => {
    expect(hashBucket(seed, id)).toBe(expected);
  });

  it('is in [0, 1) on a 1/10000 grid, and repeatable', () => {
    for (let i = 0; i < 2000; i++) {
      const b = hashBucket('grid', 'id' + i);
      expect(b).toBeGreaterThanOrEqual(0);
      expect(b).toBeLessThan(1);
      expect(Math.round(b * 10000)).toBeCloseTo(b * 10000, 6);
      expect(hashBucket('grid', 'id' + i)).toBe(b);
    }
  });

  it('spreads 100,000 sequential ids uniformly over 100 buckets (chi-square)', () => {
    const n = 100_000;
    const counts = new Array(100).fill(0);
    for (let i = 0; i < n; i++) counts[Math.floor(hashBucket('hero-placement', 'visitor-' + i) * 100)]++;
    const expected = n / 100;
    const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    // 99 degrees of freedom: the 0.999 quantile of chi-square is 148.23.
    expect(chi2).toBeLessThan(148.23);
  });

  it('gives independent buckets under different seeds', () => {
    let same = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      same += Number(Math.floor(hashBucket('seed-one', 'v' + i) * 10) === Math.floor(hashBucket('seed-two', 'v' + i) * 10));
    }
    // Independent deciles agree 10 % of the time; 4 standard errors is about ±0.85 %.
    expect(Math.abs(same / n - 0.1)).toBeLessThan(0.0085);
  });
});

describe('chooseByWeights', () => {
  it('maps a bucket to the variant whose cumulative range holds it', () => {
    expect([0, 0.4999, 0.5, 0.9999].map((b) => chooseByWeights(b, [0.5, 0.5]))).toEqual([0, 0, 1, 1]);
    expect([0, 0.1999, 0.2, 0.4999, 0.5, 0.9999].map((b) => chooseByWeights(b, [0.2, 0.3, 0.5]))).toEqual([
      0, 0, 1, 1, 2, 2,
    ]);
  });

  it('returns -1 outside every range', () => {
    expect(chooseByWeights(1, [0.5, 0.5])).toBe(-1);
    expect(chooseByWeights(-0.1, [0.5, 0.5])).toBe(-1);
    expect(chooseByWeights(0.5, [])).toBe(-1);
    // Weights summing to 0.9999 are accepted as they are, leaving the top sliver unassigned.
    expect(chooseByWeights(0.99995, [0.4, 0.5999])).toBe(-1);
    expect(chooseByWeights(0.9998, [0.4, 0.5999])).toBe(1);
  });

  it('falls back to equal weights when weights do not sum to 1', () => {
    expect([0.49, 0.5].map((b) => chooseByWeights(b, [0.7, 0.6]))).toEqual([0, 1]);
    expect([0.49, 0.5].map((b) => chooseByWeights(b, [0.4, 0.1]))).toEqual([0, 1]);
    expect([0.3, 0.4].map((b) => chooseByWeights(b, [NaN, 1, 1]))).toEqual([0, 1]);
  });

  it('shrinks each range by coverage, leaving gaps as -1, with coverage clamped to [0, 1]', () => {
    // Ranges [0, 0.25) and [0.5, 0.75).
    expect([0.1, 0.3, 0.6, 0.8].map((b) => chooseByWeights(b, [0.5, 0.5], 0.5))).toEqual([0, -1, 1, -1]);
    // Ranges [0, 0.04), [0.2, 0.26), [0.5, 0.6).
    expect([0.03, 0.05, 0.25, 0.27, 0.59, 0.6].map((b) => chooseByWeights(b, [0.2, 0.3, 0.5], 0.2))).toEqual([
      0, -1, 1, -1, 2, -1,
    ]);
    expect(chooseByWeights(0, [0.5, 0.5], 0)).toBe(-1);
    expect(chooseByWeights(0.1, [0.5, 0.5], -0.2)).toBe(-1);
    expect(chooseByWeights(0.9, [0.5, 0.5], 1.5)).toBe(1);
    expect(chooseByWeights(0.1, [0.5, 0.5], NaN)).toBe(-1);
  });

  it('splits hashed traffic in the configured proportions', () => {
    const counts = [0, 0, 0];
    for (let i = 0; i < 50_000; i++) counts[chooseByWeights(hashBucket('split', 'u' + i), [0.5, 0.3, 0.2])]++;
    // Within 0.01 of each weight: at least 4.5 standard errors at 50,000 visitors.
    [0.5, 0.3, 0.2].forEach((w, i) => expect(Math.abs(counts[i] / 50_000 - w)).toBeLessThan(0.01));
  });
});
