import { describe, expect, it, vi } from 'vitest';
import { mulberry32 } from '../../src/decide/bandit';
import { validateConfig, type BanditStats, type ValidPlacement } from '../../src/decide/config';
import { decidePlacement, type DecisionInput } from '../../src/decide/engine';
import { hashBucket } from '../../src/decide/hash';

type Any = any;

// Validates one placement (with the given segments defined) and returns it as the engine sees it.
const place = (p: Any, segments: string[] = []): ValidPlacement => {
  const { config } = validateConfig({
    segments: Object.fromEntries(segments.map((s) => [s, { when: { tier: s } }])),
    placements: [{ slot: 'slot', goal: 'Order Completed', ...p }],
  });
  return config.placements[0];
};

const ids = (n: number, prefix = 'visitor-') => Array.from({ length: n }, (_, i) => prefix + i);
const input = (unitId: string, more: Partial<DecisionInput> = {}): DecisionInput => ({ attributes: {}, unitId, ...more });

// Chi-square statistic of observed counts against expected shares.
const chiSquare = (counts: number[], shares: number[], n: number) =>
  counts.reduce((s, c, i) => s + (c - n * shares[i]) ** 2 / (n * shares[i]), 0);

describe('decidePlacement: broken placements and errors', () => {
  it('shows the default of a broken placement, reason error, with the problem and its path', () => {
    const p = place({ id: 'hero', strategy: 'weighted', default: 'b', variants: [{ id: 'a', weight: 0.5 }, { id: 'b', weight: 0.4 }] });
    expect(p.broken).toBeDefined();
    const d = decidePlacement(p, input('u1'));
    expect(d).toMatchObject({ variant: 'b', reason: 'error', store: false });
    expect(d.explain.error).toEqual({ message: 'weights add up to 0.9, not 1', path: '$.placements[0].variants' });
  });

  it('turns an internal failure into the default with reason error', () => {
    const p = place({ id: 'hero', variants: [{ id: 'a', when: { x: 1 } }, { id: 'b' }] });
    const bad = { ...p, variants: null } as Any;
    const d = decidePlacement(bad, input('u'));
    expect(d).toMatchObject({ variant: 'a', reason: 'error', store: false });
    expect(d.explain.error?.message).toMatch(/^internal error: /);
    expect(decidePlacement(null as Any, input('u'))).toMatchObject({ variant: null, reason: 'error', segment: null });
    const hostile = new Proxy({}, { get: () => { throw new Error('no'); } });
    expect(decidePlacement(hostile as Any, hostile as Any)).toMatchObject({ variant: null, reason: 'error' });
  });

  it('gives a null variant when no variant survived validation', () => {
    const p = place({ id: 'hero', variants: [{ nope: 1 }] });
    expect(p.variants).toEqual([]);
    expect(decidePlacement(p, input('u'))).toMatchObject({ variant: null, reason: 'error' });
  });
});

describe('decidePlacement: holdout', () => {
  const p = place({
    id: 'hero',
    strategy: 'weighted',
    holdout: 0.1,
    version: 3,
    default: 'b',
    variants: [{ id: 'a', when: { campaign: 'summer' } }, { id: 'b' }, { id: 'c' }],
  });

  it('keeps about the configured share on the default, tracked with reason holdout', () => {
    let held = 0;
    for (const id of ids(20_000)) {
      const d = decidePlacement(p, input(id, { attributes: { campaign: 'summer' } }));
      if (d.reason === 'holdout') {
        held++;
        expect(d.variant).toBe('b');
        expect(d.store).toBe(false);
      } else expect(d).toMatchObject({ variant: 'a', reason: 'rule' });
    }
    // sd = sqrt(0.1 × 0.9 / 20000) ≈ 0.0021; allow about 4.7 sd.
    expect(Math.abs(held / 20_000 - 0.1)).toBeLessThan(0.01);
  });

  it('hashes the placement id, ":holdout:" and the version, and explains the bucket', () => {
    const id = ids(200).find((u) => hashBucket('hero:holdout:3', u) < 0.1)!;
    const d = decidePlacement(p, input(id));
    expect(d.reason).toBe('holdout');
    expect(d.explain.holdout).toEqual({ bucket: hashBucket('hero:holdout:3', id), share: 0.1 });
    const out = ids(200).find((u) => hashBucket('hero:holdout:3', u) >= 0.1)!;
    expect(decidePlacement(p, input(out)).explain.holdout).toEqual({ bucket: hashBucket('hero:holdout:3', out), share: 0.1 });
  });

  it('uses a stored holdout bucket over the hash, and the site-wide holdout over everything', () => {
    const id = ids(200).find((u) => hashBucket('hero:holdout:3', u) >= 0.1)!;
    expect(decidePlacement(p, { ...input(id), holdoutBucket: 0.05 })).toMatchObject({ reason: 'holdout', group: 'holdout', explain: { holdout: { bucket: 0.05, share: 0.1 } } });
    expect(decidePlacement(p, { ...input(id), holdoutBucket: 0.5 })).toMatchObject({ group: 'treatment' });
    const site = decidePlacement(p, { ...input(id), siteHoldout: true });
    expect(site).toMatchObject({ variant: p.default, reason: 'holdout', group: 'holdout', explain: { holdout: { site: true } } });
  });

  it('computes no holdout bucket for a placement without one', () => {
    const q = place({ id: 'hero', variants: [{ id: 'a' }] });
    expect(decidePlacement(q, input('u')).explain.holdout).toBeUndefined();
  });
});

describe('decidePlacement: rules', () => {
  const p = place({
    id: 'hero',
    default: 'plain',
    variants: [
      { id: 'summer', when: { 'session.campaign': { $ini: ['summer'] } } },
      { id: 'plain' },
      { id: 'running', when: { topCategory: 'running' } },
      { id: 'other' },
    ],
  });

  it('takes the first targeted variant that matches, in order, and explains which', () => {
    const both = { session: { campaign: 'SUMMER' }, topCategory: 'running' };
    const d = decidePlacement(p, input('u', { attributes: both }));
    expect(d).toMatchObject({ variant: 'summer', reason: 'rule', store: false });
    expect(d.explain.rule).toEqual({ variant: 'summer', index: 0, when: { 'session.campaign': { $ini: ['summer'] } } });
    const r = decidePlacement(p, input('u', { attributes: { topCategory: 'running' } }));
    expect(r.explain.rule).toMatchObject({ variant: 'running', index: 2 });
  });

  it('takes the first of the pool when nothing matches', () => {
    const d = decidePlacement(p, input('u', { attributes: { topCategory: 'golf' } }));
    expect(d).toMatchObject({ variant: 'plain', reason: 'rule', store: false });
    expect(d.explain.rule).toEqual({ variant: 'plain', index: 1 });
  });

  it('shows the default, reason default, when nothing matches and the pool is empty', () => {
    for (const strategy of ['rules', 'weighted', 'bandit']) {
      const q = place({ id: 'q', strategy, default: 'y', variants: [{ id: 'x', when: { a: 1 } }, { id: 'y', when: { b: 1 } }] });
      expect(decidePlacement(q, input('u'))).toMatchObject({ variant: 'y', reason: 'default', store: false, explain: {} });
    }
  });

  it('passes unknown operators to onUnknown and treats the clause as false', () => {
    const q = { ...place({ id: 'q', variants: [{ id: 'x', when: { a: 1 } }, { id: 'y' }] }) };
    q.variants = [{ id: 'x', when: { a: { $nope: 1 } } }, { id: 'y' }];
    const onUnknown = vi.fn();
    expect(decidePlacement(q, input('u', { attributes: { a: 1 }, onUnknown })).variant).toBe('y');
    expect(onUnknown).toHaveBeenCalledWith(expect.stringContaining('$nope'), '$.a.$nope');
  });

  it('never replays a stored assignment on a rules placement', () => {
    const d = decidePlacement(p, input('u', { sticky: { variant: 'other', version: 0 } }));
    expect(d).toMatchObject({ variant: 'plain', reason: 'rule' });
  });
});

describe('decidePlacement: weighted', () => {
  const p = place({
    id: 'banner',
    strategy: 'weighted',
    version: 2,
    variants: [{ id: 'a', weight: 0.5 }, { id: 't', when: { vip: true } }, { id: 'b', weight: 0.3 }, { id: 'c', weight: 0.2 }],
  });

  it('splits 20,000 ids by the weights (chi-square, 2 degrees of freedom)', () => {
    const counts = { a: 0, b: 0, c: 0 } as Record<string, number>;
    for (const id of ids(20_000)) counts[decidePlacement(p, input(id)).variant!]++;
    // 13.82 is the 0.1 % critical value for 2 degrees of freedom.
    expect(chiSquare([counts.a, counts.b, counts.c], [0.5, 0.3, 0.2], 20_000)).toBeLessThan(13.82);
  });

  it('gives the same id the same variant with nothing stored, from hashBucket(id:version)', () => {
    for (const id of ids(50, 'x')) {
      const d = decidePlacement(p, input(id));
      expect(decidePlacement(p, input(id, { random: Math.random }))).toEqual(d);
      const bucket = hashBucket('banner:2', id);
      expect(d.explain.weighted?.bucket).toBe(bucket);
      const range = d.explain.weighted!.ranges.find((r) => r.id === d.variant)!;
      expect(bucket >= range.from && bucket < range.to).toBe(true);
    }
  });

  it('explains the ranges, asks to be stored when sticky, and not otherwise', () => {
    const d = decidePlacement(p, input('u'));
    expect(d).toMatchObject({ reason: 'weighted', store: true });
    const ranges = d.explain.weighted!.ranges;
    expect(ranges.map((r) => r.id)).toEqual(['a', 'b', 'c']);
    expect(ranges[0]).toEqual({ id: 'a', from: 0, to: 0.5 });
    expect(ranges[1].from).toBe(0.5);
    expect(ranges[2].to).toBeCloseTo(1, 12);
    expect(decidePlacement({ ...p, sticky: false }, input('u')).store).toBe(false);
  });

  it('splits evenly when the pool has no weights, and gives a short sum’s gap to the last live range', () => {
    const even = place({ id: 'even', strategy: 'weighted', variants: [{ id: 'a' }, { id: 'b' }] });
    const counts = { a: 0, b: 0 } as Record<string, number>;
    for (const id of ids(4000)) counts[decidePlacement(even, input(id)).variant!]++;
    expect(Math.abs(counts.a / 4000 - 0.5)).toBeLessThan(0.03);
    const short = place({ id: 's', strategy: 'weighted', variants: [{ id: 'a', weight: 0.4996 }, { id: 'b', weight: 0.4996 }, { id: 'z', weight: 0 }] });
    expect(short.broken).toBeUndefined();
    const gap = ids(20_000).find((u) => hashBucket('s:0', u) >= 0.9993)!;
    expect(decidePlacement(short, input(gap)).variant).toBe('b');
  });
});

describe('decidePlacement: sticky', () => {
  const p = place({ id: 'banner', strategy: 'weighted', version: 1, variants: [{ id: 'a', weight: 0.5 }, { id: 'b', weight: 0.5 }, { id: 'r', when: { vip: true } }] });
  const id = 'visitor-7';
  const hashed = decidePlacement(p, input(id)).variant!;
  const other = hashed === 'a' ? 'b' : 'a';

  it('keeps a stored assignment of the same version over the hash', () => {
    const d = decidePlacement(p, input(id, { sticky: { variant: other, version: 1 } }));
    expect(d).toMatchObject({ variant: other, reason: 'sticky', store: false });
    expect(d.explain.sticky).toEqual({ variant: other, version: 1 });
  });

  it('re-randomises when the version is bumped, and asks to store the new assignment', () => {
    const d = decidePlacement(p, input(id, { sticky: { variant: other, version: 0 } }));
    expect(d).toMatchObject({ variant: hashed, reason: 'weighted', store: true });
    const bumped = { ...p, version: 2 };
    const e = decidePlacement(bumped, input(id, { sticky: { variant: other, version: 1 } }));
    expect(e.reason).toBe('weighted');
    expect(e.explain.weighted?.bucket).toBe(hashBucket('banner:2', id));
  });

  it('drops an assignment whose variant left the pool, and lets rules and holdouts win', () => {
    expect(decidePlacement(p, input(id, { sticky: { variant: 'gone', version: 1 } })).reason).toBe('weighted');
    expect(decidePlacement(p, input(id, { sticky: { variant: 'r', version: 1 } })).reason).toBe('weighted');
    expect(decidePlacement(p, input(id, { attributes: { vip: true }, sticky: { variant: other, version: 1 } }))).toMatchObject({ variant: 'r', reason: 'rule' });
    const held = { ...p, holdout: 0.5 };
    const heldId = ids(100).find((u) => hashBucket('banner:holdout:1', u) < 0.5)!;
    expect(decidePlacement(held, input(heldId, { sticky: { variant: 'b', version: 1 } })).reason).toBe('holdout');
  });

  it('ignores stored assignments when the placement is not sticky', () => {
    expect(decidePlacement({ ...p, sticky: false }, input(id, { sticky: { variant: other, version: 1 } }))).toMatchObject({ variant: hashed, store: false });
  });
});

describe('decidePlacement: bandit', () => {
  const p = place(
    { id: 'hero', strategy: 'bandit', segments: ['loyal', 'bargain'], variants: [{ id: 'x', when: { a: 1 } }, { id: 'good' }, { id: 'bad' }] },
    ['loyal', 'bargain', 'other'],
  );
  // Pooled data favour `good`; the loyal segment's own data favour `bad`.
  const stats = (loyal: number): BanditStats => ({
    hero: {
      '*': { good: { impressions: 5000, conversions: 500 }, bad: { impressions: 5000, conversions: 50 } },
      loyal: { good: { impressions: loyal / 2, conversions: 0 }, bad: { impressions: loyal / 2, conversions: Math.floor(loyal / 4) }, x: { impressions: 999, conversions: 0 } },
    },
  });
  const run = (more: Partial<DecisionInput>, seed = 1) => decidePlacement(p, input('u', { random: mulberry32(seed), floor: 0, ...more }));

  it('uses the segment’s own posteriors from 200 pool impressions on, pooled ones below', () => {
    const below = run({ segments: ['other', 'loyal'], stats: stats(198) });
    expect(below).toMatchObject({ variant: 'good', reason: 'bandit', segment: 'loyal', store: true });
    expect(below.explain.bandit).toMatchObject({ posteriors: 'pooled', why: 'too few', impressions: 198, threshold: 200 });
    // Pooled = "*" plus every segment: 5000 + 99 impressions of each arm.
    expect(below.explain.bandit?.arms).toEqual([
      { id: 'good', impressions: 5099, conversions: 500 },
      { id: 'bad', impressions: 5099, conversions: 99 },
    ]);
    const at = run({ segments: ['other', 'loyal'], stats: stats(200) });
    expect(at).toMatchObject({ variant: 'bad', reason: 'bandit', segment: 'loyal' });
    expect(at.explain.bandit).toMatchObject({ posteriors: 'loyal', why: 'enough data', impressions: 200 });
    expect(at.explain.bandit?.arms).toEqual([
      { id: 'good', impressions: 100, conversions: 0 },
      { id: 'bad', impressions: 100, conversions: 50 },
    ]);
  });

  it('takes the threshold as an option and adds local unsynced counts', () => {
    expect(run({ segments: ['loyal'], stats: stats(100), minSegmentImpressions: 100 }).explain.bandit?.posteriors).toBe('loyal');
    const local: BanditStats = { hero: { loyal: { bad: { impressions: 100, conversions: 50 } } } };
    const d = run({ segments: ['loyal'], stats: stats(100), localStats: local });
    expect(d.explain.bandit).toMatchObject({ posteriors: 'loyal', impressions: 200 });
    expect(d.explain.bandit?.arms[1]).toEqual({ id: 'bad', impressions: 150, conversions: 75 });
  });

  it('pools for a visitor in no listed segment, and names the first listed segment', () => {
    const d = run({ segments: ['other'], stats: stats(1000) });
    expect(d).toMatchObject({ segment: null, variant: 'good' });
    expect(d.explain.bandit).toMatchObject({ posteriors: 'pooled', why: 'no segment', impressions: 0 });
    expect(run({ segments: ['bargain', 'loyal'], stats: stats(1000) }).segment).toBe('bargain');
  });

  it('explains the draws: the chosen arm drew highest', () => {
    const b = run({ stats: stats(0) }).explain.bandit!;
    expect(b.explored).toBe(false);
    expect(b.draws).toHaveLength(2);
    expect(b.draws[0]).toBeGreaterThan(b.draws[1]);
  });

  it('explores uniformly with probability floor × arms, so every arm keeps its floor', () => {
    const random = mulberry32(9);
    const shown = { good: 0, bad: 0 } as Record<string, number>;
    let explored = 0;
    for (let i = 0; i < 20_000; i++) {
      const d = decidePlacement(p, input('u', { random, stats: stats(0) }));
      shown[d.variant!]++;
      if (d.explain.bandit!.explored) {
        explored++;
        expect(d.explain.bandit!.draws).toEqual([]);
      }
    }
    // Default floor 1 % × 2 arms: 2 % explored; `bad` almost never wins a draw, so it gets about 1 %.
    expect(Math.abs(explored / 20_000 - 0.02)).toBeLessThan(0.005);
    expect(shown.bad / 20_000).toBeGreaterThan(0.006);
    expect(shown.bad / 20_000).toBeLessThan(0.015);
    const all = decidePlacement(p, input('u', { random: mulberry32(1), floor: 0.9 })).explain.bandit!;
    expect(all).toMatchObject({ floor: 0.5, explored: true });
  });

  it('learns nothing from broken counts and still chooses', () => {
    const junk = { hero: { '*': { good: { impressions: 'lots', conversions: NaN }, bad: null }, loyal: 7 } } as Any;
    const d = run({ segments: ['loyal'], stats: junk, localStats: { hero: null } as Any });
    expect(['good', 'bad']).toContain(d.variant);
    expect(d.explain.bandit?.arms).toEqual([
      { id: 'good', impressions: 0, conversions: 0 },
      { id: 'bad', impressions: 0, conversions: 0 },
    ]);
  });

  it('replays a sticky bandit assignment of the same version', () => {
    expect(run({ sticky: { variant: 'bad', version: 0 }, stats: stats(0) })).toMatchObject({ variant: 'bad', reason: 'sticky' });
  });
});
