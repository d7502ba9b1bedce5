// @vitest-environment node
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { meanInterval, meanUplift, type MeanUplift, type MomentSums } from '../../src/stats';
import { readVectors, within } from './vectors';

interface MeansVectors {
  source: string;
  tolerance: { relative: number; absolute: number; ofMean: number };
  means: { name: string; sums: MomentSums; level: number; mean: number; standardError: number | null; low: number | null; high: number | null }[];
  // Each case holds the inputs and the expected result, in meanUplift's own field names.
  uplifts: (MeanUplift & { name: string; treatment: MomentSums; holdout: MomentSums; level: number })[];
}

const vectors = readVectors<MeansVectors>('stats-means.json');
const { relative, absolute, ofMean } = vectors.tolerance;

// `scale` is the size of the means involved: sums of squares lose digits in proportion to it.
function check(label: string, actual: number | null, expected: number | null, scale: number) {
  if (expected === null) return expect(actual, label).toBeNull();
  if (actual === null || !within(actual, expected, relative, absolute + ofMean * Math.abs(scale)))
    expect.fail(`${label}: ${actual}, SciPy ${expected}`);
}

describe('meanInterval against SciPy (test/vectors/stats-means.json)', () => {
  it('names its source', () => expect(vectors.source).toMatch(/SciPy/));
  it.each(vectors.means.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = meanInterval(c.sums, c.level);
    for (const key of ['mean', 'standardError', 'low', 'high'] as const) check(key, result[key], c[key], c.mean);
  });
});

describe('meanUplift against SciPy (test/vectors/stats-means.json)', () => {
  it.each(vectors.uplifts.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = meanUplift(c.treatment, c.holdout, c.level);
    const scale = Math.max(c.treatment.sum / c.treatment.count, c.holdout.sum / c.holdout.count);
    for (const key of ['difference', 'differenceLow', 'differenceHigh'] as const) check(key, result[key], c[key], scale);
    // Relative figures are ratios of means: their scale is 1.
    for (const key of ['relative', 'relativeLow', 'relativeHigh'] as const) check(key, result[key], c[key], 1);
    if (c.degreesOfFreedom === null) expect(result.degreesOfFreedom).toBe(Infinity);
    else check('degreesOfFreedom', result.degreesOfFreedom, c.degreesOfFreedom, 0);
  });
});

// Order values in cents, as money is: from 0 (no purchase, the common case) to 5,000.00.
const values = fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 500_000 }).map((cents) => cents / 100)), { minLength: 0, maxLength: 200 });
const toSums = (xs: number[]): MomentSums => ({
  count: xs.length,
  sum: xs.reduce((s, x) => s + x, 0),
  sumSquares: xs.reduce((s, x) => s + x * x, 0),
});

describe('mean properties', () => {
  it('the interval contains the mean, and a wider level is wider', () => {
    fc.assert(
      fc.property(values, (xs) => {
        const sums = toSums(xs);
        const r = meanInterval(sums);
        if (xs.length < 2) {
          expect(r.low).toBeNull();
          return;
        }
        expect(r.low!).toBeLessThanOrEqual(r.mean);
        expect(r.high!).toBeGreaterThanOrEqual(r.mean);
        const wide = meanInterval(sums, 0.99);
        expect(wide.high! - wide.low!).toBeGreaterThanOrEqual(r.high! - r.low!);
      }),
    );
  });

  it('the uplift intervals contain the point estimates, and swapping sides negates the difference', () => {
    fc.assert(
      fc.property(values, values, (t, h) => {
        const a = meanUplift(toSums(t), toSums(h));
        const b = meanUplift(toSums(h), toSums(t));
        expect(a.difference === -b.difference).toBe(true);
        if (a.differenceLow === null) {
          expect(t.length < 2 || h.length < 2).toBe(true);
          return;
        }
        expect(a.differenceLow).toBeLessThanOrEqual(a.difference);
        expect(a.differenceHigh!).toBeGreaterThanOrEqual(a.difference);
        expect(Math.abs(a.differenceLow + b.differenceHigh!)).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(a.differenceLow)));
        if (a.relative !== null) {
          expect(a.relativeLow!).toBeGreaterThan(-1);
          expect(a.relativeLow!).toBeLessThanOrEqual(a.relative + 1e-12);
          expect(a.relativeHigh!).toBeGreaterThanOrEqual(a.relative - 1e-12);
        }
      }),
    );
  });

  it('has no interval below two visitors, and no relative uplift over a zero mean', () => {
    expect(meanInterval({ count: 0, sum: 0, sumSquares: 0 })).toEqual({ mean: 0, standardError: null, low: null, high: null });
    const r = meanUplift({ count: 100, sum: 500, sumSquares: 50000 }, { count: 100, sum: 0, sumSquares: 0 });
    expect(r.relative).toBeNull();
    expect(r.differenceLow).not.toBeNull();
  });
});
