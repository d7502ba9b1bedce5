import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { validateConfig } from '../../src/decide/config';
import { decidePlacement } from '../../src/decide/engine';

const REASONS = ['rule', 'weighted', 'bandit', 'sticky', 'holdout', 'default', 'error'];
const SEGMENTS = ['s1', 's2', 's3'];
const VARIANTS = ['a', 'b', 'c', 'd', 'toString', '__proto__'];

const scalar = fc.oneof(fc.string({ maxLength: 4 }), fc.integer({ min: -3, max: 3 }), fc.double(), fc.boolean(), fc.constant(null));
const anything = fc.anything({ maxDepth: 2 });
const condition = fc.oneof(
  fc.dictionary(fc.constantFrom('x', 'y.z', 'toString'), scalar, { minKeys: 1, maxKeys: 2 }),
  fc.record({ x: fc.record({ $in: fc.array(scalar, { maxLength: 3 }) }) }),
  fc.record({ segments: fc.record({ $in: fc.subarray(SEGMENTS) }) }),
  fc.constant({ $or: [{ x: 1 }, { $nor: [{ y: { $exists: true } }] }] }),
);
// Mostly valid placements (so every strategy and reason is reached), and now and then a
// field replaced by anything at all, which validation drops or marks broken.
const placement = fc
  .record({
    id: fc.constantFrom('p', 'q'),
    strategy: fc.constantFrom('rules', 'weighted', 'bandit'),
    ids: fc.uniqueArray(fc.constantFrom(...VARIANTS), { minLength: 1, maxLength: 6 }),
    whens: fc.array(fc.option(condition, { freq: 2 }), { minLength: 6, maxLength: 6 }),
    shares: fc.option(fc.array(fc.nat(5), { minLength: 6, maxLength: 6 })),
    pick: fc.nat(),
    holdout: fc.constantFrom(0, 0, 0.1, 0.5),
    sticky: fc.boolean(),
    version: fc.nat(3),
    segments: fc.subarray(SEGMENTS),
    junk: fc.oneof(
      { arbitrary: fc.constant(null), weight: 4 },
      { arbitrary: fc.tuple(fc.constantFrom('id', 'strategy', 'variants', 'default', 'holdout', 'sticky', 'version', 'segments', 'when', 'weight'), anything), weight: 1 },
    ),
  })
  .map(({ ids, whens, shares, pick, junk, ...p }) => {
    const variants: any[] = ids.map((id, i) => (whens[i] ? { id, when: whens[i] } : { id }));
    const pool = variants.filter((v) => !v.when);
    const total = shares ? pool.reduce((s, _, i) => s + shares[i], 0) : 0;
    if (p.strategy == 'weighted' && total) pool.forEach((v, i) => (v.weight = shares![i] / total));
    const out: any = { ...p, slot: 'slot', variants, default: ids[pick % ids.length] };
    if (junk) {
      const [key, value] = junk;
      if (key == 'when' || key == 'weight') variants[pick % variants.length][key] = value;
      else out[key] = value;
    }
    return out;
  });
const counts = fc.oneof(fc.record({ impressions: fc.oneof(fc.nat(500), anything), conversions: fc.oneof(fc.nat(50), anything) }), anything);
const stats = fc.oneof(
  fc.dictionary(
    fc.constantFrom('p', 'q'),
    fc.dictionary(fc.constantFrom('*', ...SEGMENTS), fc.dictionary(fc.constantFrom(...VARIANTS), counts, { maxKeys: 4 }), { maxKeys: 3 }),
    { maxKeys: 2 },
  ),
  anything,
);
const input = fc.record(
  {
    attributes: anything,
    unitId: fc.oneof(fc.string({ maxLength: 12 }), anything),
    segments: fc.oneof(fc.subarray(SEGMENTS), anything),
    stats,
    localStats: stats,
    sticky: fc.oneof(fc.record({ variant: fc.constantFrom(...VARIANTS), version: fc.nat(3) }), anything),
    random: fc.oneof(
      fc.integer().map((seed) => {
        let s = seed;
        return () => ((s = (s * 16807) % 2147483647) >>> 0) / 2147483648;
      }),
      fc.constantFrom(() => NaN, () => 0, () => 0.9999999, () => -1, () => 2),
    ),
    minSegmentImpressions: fc.oneof(fc.nat(300), anything),
    floor: fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), anything),
  },
  { requiredKeys: ['attributes', 'unitId'] },
);

describe('decidePlacement: properties', () => {
  it('never throws and always returns a variant of the placement, for any validated placement and any input', () => {
    fc.assert(
      fc.property(fc.array(placement, { maxLength: 2 }), input, (placements, inp) => {
        const { config } = validateConfig({ segments: Object.fromEntries(SEGMENTS.map((s) => [s, { when: { tier: s } }])), placements });
        for (const p of config.placements) {
          const d = decidePlacement(p, inp as any);
          expect(REASONS).toContain(d.reason);
          expect(d.store).toBe(p.sticky === true && (d.reason == 'weighted' || d.reason == 'bandit'));
          if (p.variants.length) expect(p.variants.map((v) => v.id)).toContain(d.variant);
          else expect(d.variant).toBeNull();
          if (d.segment !== null) expect(p.segments).toContain(d.segment);
          if (p.broken) expect(d.reason).toBe('error');
        }
      }),
      { numRuns: 1000 },
    );
  });
});
