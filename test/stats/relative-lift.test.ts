// @vitest-environment node
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { conversionUplift, relativeLift, type VariantCounts } from '../../src/stats';
import { readVectors, within } from './vectors';

interface LiftVectors {
  source: string;
  tolerance: { ratioRelative: number; probabilityAbsolute: number; liftRelative: number };
  cases: {
    name: string;
    control: VariantCounts;
    variant: VariantCounts;
    level: number;
    lift: number | null;
    median: number;
    low: number;
    high: number;
    probabilityBetter: number;
  }[];
}

const vectors = readVectors<LiftVectors>('stats-lift.json');
const { tolerance } = vectors;

describe('relativeLift against SciPy (test/vectors/stats-lift.json)', () => {
  it('names its source', () => expect(vectors.source).toMatch(/SciPy/));
  it.each(vectors.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = relativeLift(c.control, c.variant, c.level);
    for (const key of ['median', 'low', 'high'] as const) {
      if (!within(1 + result[key], 1 + c[key], tolerance.ratioRelative, 0)) expect.fail(`${key}: ${result[key]}, SciPy ${c[key]}`);
    }
    if (!within(result.probabilityBetter, c.probabilityBetter, 0, tolerance.probabilityAbsolute))
      expect.fail(`probabilityBetter: ${result.probabilityBetter}, SciPy ${c.probabilityBetter}`);
    if (c.lift === null) expect(result.lift).toBeNull();
    else expect(within(result.lift ?? NaN, c.lift, tolerance.liftRelative, 1e-15)).toBe(true);
  });
});

const counts = (max: number) =>
  fc
    .tuple(fc.integer({ min: 0, max }), fc.double({ min: 0, max: 1, noNaN: true }))
    .map(([visitors, share]): VariantCounts => ({ visitors, conversions: Math.floor(visitors * share * share) }));

describe('relativeLift properties', () => {
  it('orders low ≤ median ≤ high, all above −100 %, with P(better) in [0, 1]', () => {
    fc.assert(
      fc.property(counts(1_000_000), counts(1_000_000), (control, variant) => {
        const r = relativeLift(control, variant);
        expect(r.low).toBeGreaterThan(-1);
        expect(r.low).toBeLessThanOrEqual(r.median);
        expect(r.median).toBeLessThanOrEqual(r.high);
        expect(r.probabilityBetter >= 0 && r.probabilityBetter <= 1).toBe(true);
        // The median sits on the side of 0 that P(better) says.
        if (r.probabilityBetter > 0.5 + 1e-9) expect(r.median).toBeGreaterThan(-1e-9);
        if (r.probabilityBetter < 0.5 - 1e-9) expect(r.median).toBeLessThan(1e-9);
      }),
      { numRuns: 150 },
    );
  });

  it('contains the observed lift once both sides have at least 20 conversions and 20 non-conversions', () => {
    const sided = fc
      .tuple(fc.integer({ min: 40, max: 1_000_000 }), fc.double({ min: 0, max: 1, noNaN: true }))
      .map(([visitors, share]): VariantCounts => ({ visitors, conversions: 20 + Math.floor((visitors - 40) * share) }));
    fc.assert(
      fc.property(sided, sided, (control, variant) => {
        const r = relativeLift(control, variant);
        expect(r.lift).not.toBeNull();
        expect(r.low).toBeLessThanOrEqual(r.lift!);
        expect(r.high).toBeGreaterThanOrEqual(r.lift!);
      }),
      { numRuns: 150 },
    );
  });

  it('is symmetric: swapping two sides inverts the ratio, and identical sides centre on 0', () => {
    fc.assert(
      fc.property(counts(100_000), counts(100_000), (a, b) => {
        const ab = relativeLift(a, b);
        const ba = relativeLift(b, a);
        // The quantiles of 1/R are the inverted opposite quantiles of R.
        expect(within(1 + ab.low, 1 / (1 + ba.high), 1e-7, 0)).toBe(true);
        expect(within(1 + ab.median, 1 / (1 + ba.median), 1e-7, 0)).toBe(true);
        expect(Math.abs(ab.probabilityBetter + ba.probabilityBetter - 1)).toBeLessThan(1e-8);
        const same = relativeLift(a, a);
        expect(Math.abs(same.median)).toBeLessThan(1e-8);
        expect(Math.abs(same.probabilityBetter - 0.5)).toBeLessThan(1e-8);
      }),
      { numRuns: 80 },
    );
  });

  it('a wider level gives a wider interval', () => {
    const c = { visitors: 3000, conversions: 90 };
    const v = { visitors: 3000, conversions: 120 };
    const narrow = relativeLift(c, v, 0.8);
    const wide = relativeLift(c, v, 0.99);
    expect(wide.low).toBeLessThan(narrow.low);
    expect(wide.high).toBeGreaterThan(narrow.high);
    expect(relativeLift(c, v, 1).low).toBeNaN();
  });

  it('conversionUplift is the treatment against the holdout', () => {
    const treatment = { visitors: 9000, conversions: 450 };
    const holdout = { visitors: 1000, conversions: 40 };
    expect(conversionUplift(treatment, holdout)).toEqual(relativeLift(holdout, treatment));
  });
});
