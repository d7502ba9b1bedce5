import { describe, expect, it } from 'vitest';
import { betaSample, gammaSample, mulberry32 } from '../../src/decide/random';

const moments = (xs: number[]) => {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  return { mean, variance: xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1) };
};

describe('mulberry32', () => {
  it('repeats for a seed, differs between seeds, stays in [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const xs = Array.from({ length: 10_000 }, () => a());
    expect(xs.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => b()));
    expect(c()).not.toBe(xs[0]);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(Math.abs(moments(xs).mean - 0.5)).toBeLessThan(0.012);
  });
});

describe('betaSample', () => {
  // Shapes cover the uniform, the skewed, both U-shaped and sub-1 boosts, and a posterior
  // as narrow as the bandit sees after about a thousand impressions.
  it.each([
    [1, 1],
    [2, 5],
    [0.5, 0.5],
    [0.2, 3],
    [30, 970],
    [1, 40],
  ])('Beta(%d, %d) has the right mean and variance', (a, b) => {
    const random = mulberry32(a * 1000 + b);
    const n = 40_000;
    const xs = Array.from({ length: n }, () => betaSample(a, b, random));
    const mean = a / (a + b);
    const variance = (a * b) / ((a + b) ** 2 * (a + b + 1));
    const m = moments(xs);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThanOrEqual(1);
    // Mean within 5 standard errors; variance within 8 % (its sampling error is below 2 % here).
    expect(Math.abs(m.mean - mean)).toBeLessThan(5 * Math.sqrt(variance / n));
    expect(Math.abs(m.variance / variance - 1)).toBeLessThan(0.08);
  });

  it('degrades to the mean, not NaN, when both gamma draws underflow', () => {
    expect(betaSample(1e-300, 1e-300, () => 0.5)).toBe(0.5);
  });
});

describe('gammaSample', () => {
  it.each([0.3, 1, 5, 200])('Gamma(%d) has mean and variance equal to its shape', (k) => {
    const random = mulberry32(Math.round(k * 100));
    const n = 40_000;
    const m = moments(Array.from({ length: n }, () => gammaSample(k, random)));
    expect(Math.abs(m.mean - k)).toBeLessThan(5 * Math.sqrt(k / n));
    expect(Math.abs(m.variance / k - 1)).toBeLessThan(0.08);
  });

  it('returns 0 for a shape that is not positive, and ends even with a broken random', () => {
    expect(gammaSample(0, Math.random)).toBe(0);
    expect(gammaSample(-1e9, Math.random)).toBe(0);
    expect(gammaSample(NaN, Math.random)).toBe(0);
    expect(Number.isFinite(gammaSample(3, () => 0.9999999))).toBe(true);
  });
});
