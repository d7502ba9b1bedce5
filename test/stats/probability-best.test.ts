// @vitest-environment node
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { gammaQ, probabilityToBeBest, relativeLift, type VariantCounts } from '../../src/stats';
import { readVectors, within } from './vectors';

interface BestVectors {
  source: string;
  tolerance: { probabilityAbsolute: number; lossRelative: number; lossAbsolute: number };
  cases: { name: string; variants: VariantCounts[]; probabilityBest: number[]; expectedLoss: number[] }[];
}

const vectors = readVectors<BestVectors>('stats-best.json');
const { tolerance } = vectors;

describe('probabilityToBeBest against SciPy (test/vectors/stats-best.json)', () => {
  it('names its source', () => expect(vectors.source).toMatch(/SciPy/));
  it.each(vectors.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = probabilityToBeBest(c.variants);
    result.probabilityBest.forEach((p, i) => {
      if (!within(p, c.probabilityBest[i], 0, tolerance.probabilityAbsolute))
        expect.fail(`P(best) of variant ${i}: ${p}, SciPy ${c.probabilityBest[i]}`);
    });
    result.expectedLoss.forEach((l, i) => {
      if (!within(l, c.expectedLoss[i], tolerance.lossRelative, tolerance.lossAbsolute))
        expect.fail(`loss of variant ${i}: ${l}, SciPy ${c.expectedLoss[i]}`);
    });
  });
});

const counts = fc
  .tuple(fc.integer({ min: 0, max: 1_000_000 }), fc.double({ min: 0, max: 1, noNaN: true }))
  .map(([visitors, share]): VariantCounts => ({ visitors, conversions: Math.floor(visitors * share * share) }));

describe('probabilityToBeBest properties', () => {
  it('gives probabilities in [0, 1] summing to 1 and losses ≥ 0', () => {
    fc.assert(
      fc.property(fc.array(counts, { minLength: 2, maxLength: 20 }), (variants) => {
        const { probabilityBest, expectedLoss } = probabilityToBeBest(variants);
        expect(Math.abs(probabilityBest.reduce((s, p) => s + p, 0) - 1)).toBeLessThan(1e-12);
        for (const p of probabilityBest) expect(p >= 0 && p <= 1).toBe(true);
        for (const l of expectedLoss) expect(l).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 200 },
    );
  });

  it('swapping two variants swaps their figures; identical variants tie', () => {
    fc.assert(
      fc.property(fc.array(counts, { minLength: 2, maxLength: 8 }), fc.nat(), fc.nat(), (variants, i0, j0) => {
        const i = i0 % variants.length;
        const j = j0 % variants.length;
        const swapped = [...variants];
        [swapped[i], swapped[j]] = [swapped[j], swapped[i]];
        const a = probabilityToBeBest(variants);
        const b = probabilityToBeBest(swapped);
        expect(Math.abs(a.probabilityBest[i] - b.probabilityBest[j])).toBeLessThan(1e-12);
        expect(Math.abs(a.expectedLoss[i] - b.expectedLoss[j])).toBeLessThanOrEqual(1e-12 + 1e-9 * a.expectedLoss[i]);
        const twins = probabilityToBeBest([variants[i], variants[i], ...variants]);
        expect(Math.abs(twins.probabilityBest[0] - twins.probabilityBest[1])).toBeLessThan(1e-12);
      }),
      { numRuns: 100 },
    );
  });

  it('the variant with the higher rate is more likely best, with the smaller loss', () => {
    const { probabilityBest, expectedLoss } = probabilityToBeBest([
      { visitors: 1000, conversions: 30 },
      { visitors: 1000, conversions: 45 },
    ]);
    expect(probabilityBest[1]).toBeGreaterThan(0.9);
    expect(expectedLoss[1]).toBeLessThan(expectedLoss[0]);
  });

  it('agrees with relativeLift for two variants: P(variant best) = P(p_v > p_c), two integrations apart', () => {
    fc.assert(
      fc.property(counts, counts, (control, variant) => {
        const best = probabilityToBeBest([control, variant]).probabilityBest[1];
        expect(Math.abs(best - relativeLift(control, variant).probabilityBetter)).toBeLessThan(1e-8);
      }),
      { numRuns: 100 },
    );
  });

  it('matches the normal approximation at 10^8 visitors, where posteriors are normal', () => {
    const a = { visitors: 100_000_000, conversions: 3_000_000 };
    const b = { visitors: 100_000_000, conversions: 3_002_000 };
    const variance = (c: VariantCounts) => ((c.conversions + 1) * (c.visitors - c.conversions + 1)) / ((c.visitors + 2) ** 2 * (c.visitors + 3));
    const z = (b.conversions - a.conversions) / (a.visitors + 2) / Math.sqrt(variance(a) + variance(b));
    // Φ(z) = 1 − ½ Q(½, z²/2) for z ≥ 0.
    const normal = 1 - 0.5 * gammaQ(0.5, (z * z) / 2);
    const { probabilityBest } = probabilityToBeBest([a, b]);
    expect(Math.abs(probabilityBest[1] - normal)).toBeLessThan(1e-4);
  });

  it('handles none, one, and counts that are not counts', () => {
    expect(probabilityToBeBest([])).toEqual({ probabilityBest: [], expectedLoss: [] });
    expect(probabilityToBeBest([{ visitors: 10, conversions: 2 }])).toEqual({ probabilityBest: [1], expectedLoss: [0] });
    const odd = probabilityToBeBest([
      { visitors: NaN, conversions: 3 },
      { visitors: -5, conversions: 9 },
    ]);
    expect(odd.probabilityBest[0]).toBeCloseTo(0.5, 12);
  });
});
