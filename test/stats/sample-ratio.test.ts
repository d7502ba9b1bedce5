// @vitest-environment node
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { chiSquareSurvival, gammaP, gammaQ, sampleRatioMismatch } from '../../src/stats';
import { readVectors, within } from './vectors';

interface SrmVectors {
  source: string;
  tolerance: { statisticRelative: number; pValueRelative: number };
  cases: { name: string; observed: number[]; weights: number[]; statistic: number | null; degreesOfFreedom: number; pValue: number; mismatch: boolean }[];
}

const vectors = readVectors<SrmVectors>('stats-srm.json');
const { tolerance } = vectors;

describe('sampleRatioMismatch against SciPy (test/vectors/stats-srm.json)', () => {
  it('names its source', () => expect(vectors.source).toMatch(/SciPy/));
  it.each(vectors.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const r = sampleRatioMismatch(c.observed, c.weights);
    if (c.statistic === null) expect(r.statistic).toBe(Infinity);
    else if (!within(r.statistic, c.statistic, tolerance.statisticRelative, 1e-300)) expect.fail(`statistic ${r.statistic}, SciPy ${c.statistic}`);
    expect(r.degreesOfFreedom).toBe(c.degreesOfFreedom);
    if (!within(r.pValue, c.pValue, tolerance.pValueRelative, 1e-300)) expect.fail(`p ${r.pValue}, SciPy ${c.pValue}`);
    expect(r.mismatch).toBe(c.mismatch);
  });
});

describe('chi-square and incomplete gamma', () => {
  // scipy.stats.chi2.sf and scipy.special.gammainc / gammaincc (SciPy 1.17.1).
  it.each([
    [3.841458820694124, 1, 0.04999999999999989],
    [0.5, 1, 0.47950012218695337],
    [100, 3, 1.5541594313896026e-21],
    [20, 19, 0.394578182086001],
    [1e-8, 2, 0.999999995],
    [1000, 19, 5.306673251651704e-200],
  ])('chiSquareSurvival(%s, %s) = %s', (x, k, p) => expect(within(chiSquareSurvival(x, k), p, 1e-12, 0)).toBe(true));

  it('P + Q = 1 and both lie in [0, 1]', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 500, noNaN: true }), fc.double({ min: 0, max: 2000, noNaN: true }), (a, x) => {
        const p = gammaP(a, x);
        const q = gammaQ(a, x);
        expect(p >= 0 && p <= 1 && q >= 0 && q <= 1).toBe(true);
        expect(Math.abs(p + q - 1)).toBeLessThan(1e-12);
      }),
    );
  });

  it('rejects invalid arguments', () => {
    expect(gammaP(0, 1)).toBeNaN();
    expect(gammaQ(1, -1)).toBeNaN();
    expect(chiSquareSurvival(1, 0)).toBeNaN();
    expect(chiSquareSurvival(-3, 2)).toBe(1);
  });
});

describe('sampleRatioMismatch properties', () => {
  it('counts exactly in proportion give statistic 0 and p 1; the p-value is in [0, 1]', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 2, maxLength: 20 }), fc.integer({ min: 1, max: 10_000 }), (weights, scale) => {
        const exact = sampleRatioMismatch(weights.map((w) => w * scale), weights);
        expect(exact.statistic).toBeLessThan(1e-9);
        expect(exact.pValue).toBeGreaterThan(1 - 1e-9);
        expect(exact.degreesOfFreedom).toBe(weights.length - 1);
        const skewed = sampleRatioMismatch(weights.map((w, i) => w * scale + (i === 0 ? scale : 0)), weights);
        expect(skewed.pValue >= 0 && skewed.pValue <= 1).toBe(true);
      }),
    );
  });

  it('is inconclusive on bad input', () => {
    expect(sampleRatioMismatch([1, 2], [1]).mismatch).toBe(false);
    expect(sampleRatioMismatch([NaN, 2], [1, 1]).pValue).toBe(1);
    expect(sampleRatioMismatch([-4, 2], [1, 1]).pValue).toBe(1);
  });
});
