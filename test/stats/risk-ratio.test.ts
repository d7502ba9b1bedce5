// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { riskRatio, type VariantCounts } from '../../src/stats';
import { readVectors, within } from './vectors';

interface RiskRatioVectors {
  source: string;
  cases: { name: string; treatment: VariantCounts; holdout: VariantCounts; level: number; relative: number; low: number; high: number }[];
}

const vectors = readVectors<RiskRatioVectors>('stats-risk-ratio.json');

describe('riskRatio against SciPy (test/vectors/stats-risk-ratio.json)', () => {
  it('names its source', () => expect(vectors.source).toMatch(/scipy/i));
  it.each(vectors.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const r = riskRatio(c.treatment, c.holdout, c.level);
    for (const key of ['relative', 'low', 'high'] as const) expect(within(r[key]!, c[key], 1e-12, 1e-14), `${key}: ${r[key]} against ${c[key]}`).toBe(true);
  });

  it('is undefined without a conversion or a visitor on either side, and for a level outside (0, 1)', () => {
    const some = { visitors: 10, conversions: 2 };
    const none = { relative: null, low: null, high: null };
    expect(riskRatio({ visitors: 10, conversions: 0 }, some)).toEqual(none);
    expect(riskRatio(some, { visitors: 0, conversions: 0 })).toEqual(none);
    expect(riskRatio(some, some, 1)).toEqual(none);
  });
});
