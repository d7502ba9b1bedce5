// @vitest-environment node
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { enoughData, normalQuantile, studentTQuantile, twoProportionSampleSize, type EnoughDataOptions, type VariantCounts } from '../../src/stats';
import { readVectors, within } from './vectors';

interface SampleSizeVectors {
  source: string;
  sampleSizes: { p1: number; p2: number; alpha: number; power: number; perGroup: number }[];
  checks: {
    name: string;
    control: VariantCounts;
    variant: VariantCounts;
    options: Required<EnoughDataOptions>;
    baselineRate: number;
    liftUsed: number;
    enough: boolean;
    requiredPerVariant: number | null;
    additionalPerVariant: number | null;
  }[];
}

const vectors = readVectors<SampleSizeVectors>('stats-sample-size.json');

describe('sample sizes against SciPy (test/vectors/stats-sample-size.json)', () => {
  it('names its source', () => expect(vectors.source).toMatch(/scipy/i));
  it.each(vectors.sampleSizes.map((c) => [`${c.p1} vs ${c.p2}, α ${c.alpha}, power ${c.power}`, c] as const))('%s', (_name, c) =>
    expect(twoProportionSampleSize(c.p1, c.p2, c.alpha, c.power)).toBe(c.perGroup),
  );
  it.each(vectors.checks.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const r = enoughData(c.control, c.variant, c.options);
    expect(r.enough).toBe(c.enough);
    expect(r.requiredPerVariant).toBe(c.requiredPerVariant);
    expect(r.additionalPerVariant).toBe(c.additionalPerVariant);
    expect(within(r.baselineRate, c.baselineRate, 1e-15, 0)).toBe(true);
    expect(within(r.liftUsed, c.liftUsed, 1e-12, 0)).toBe(true);
  });
});

describe('quantiles', () => {
  // scipy.stats.norm.ppf and scipy.stats.t.ppf (SciPy 1.17.1).
  it.each([
    [1e-300, -37.0470962993612],
    [1e-10, -6.361340902404056],
    [0.025, -1.9599639845400545],
    [0.2, -0.8416212335729142],
    [0.5 - 1e-12, -2.5065728237018607e-12],
    [0.8, 0.8416212335729143],
    [0.975, 1.959963984540054],
    [1 - 1e-12, 7.0344869100478356],
  ])('normalQuantile(%s) = %s', (p, z) => expect(within(normalQuantile(p), z, 1e-13, 0)).toBe(true));

  it.each([
    [0.975, 1, 12.706204736174694],
    [0.975, 2.5, 3.5746548420036817],
    [0.975, 10, 2.228138851986274],
    [0.975, 1000, 1.9623390808264083],
    [0.975, 1e6, 1.959966356814107],
    [0.975, 1e9, 1.959963986912325],
    [0.6, 1, 0.32491969623290634],
    [0.025, 3, -3.1824463052837086],
  ])('studentTQuantile(%s, %s) = %s', (p, nu, t) => expect(within(studentTQuantile(p, nu), t, 1e-12, 0)).toBe(true));
});

describe('sample size properties', () => {
  it('needs more visitors for smaller differences, and "enough" means none missing', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.001, max: 0.5, noNaN: true }), fc.double({ min: 0.02, max: 0.5, noNaN: true }), (p, lift) => {
        const n = twoProportionSampleSize(p, p * (1 + lift));
        expect(n).toBeGreaterThan(0);
        expect(twoProportionSampleSize(p, p * (1 + lift / 2))).toBeGreaterThanOrEqual(n);
        const at = enoughData({ visitors: n, conversions: Math.round(n * p) }, { visitors: n, conversions: Math.round(n * p) });
        expect(at.enough).toBe(at.additionalPerVariant === 0);
      }),
    );
  });
});
