/**
 * The decision engine: which variant of one placement a visitor sees, and why. Pure
 * (no DOM, no storage, no clock): the caller hands in the visitor's attributes, the
 * anonymous id, the segments, the statistics and any stored assignment, and stores
 * what the decision says to store. The order, for a validated placement:
 *
 * 1. `broken`: the default, reason `error` (the placement's first problem in `explain`).
 * 2. Holdout: a visitor in the site-wide holdout (`siteHoldout`), or whose bucket for
 *    this placement (`holdoutBucket`, stored once per visitor and version; else
 *    `hashBucket(id + ':holdout:' + version, unitId)`) is below `holdout`, sees the
 *    default, reason `holdout`, group `holdout`: the control group.
 * 3. Targeted variants (with `when`), in order: the first match wins, reason `rule`.
 * 4. Sticky, for `weighted` and `bandit` placements with `sticky`: a stored assignment
 *    of the same `version` whose variant is still in the pool, reason `sticky`.
 *    (`rules` choices are deterministic, so nothing of theirs is stored or replayed.)
 * 5. The pool (variants without `when`) by strategy. Empty pool: the default, reason `default`.
 *    - `rules`: the first of the pool, reason `rule`.
 *    - `weighted`: `chooseByWeights(hashBucket(id + ':' + version, unitId), weights)`,
 *      the same variant for the same id on every device, reason `weighted`.
 *    - `bandit`: Thompson sampling with an exploration floor, reason `bandit` (see {@link DecisionInput}).
 *
 * It never throws: anything unexpected yields the default with reason `error`.
 */
import { thompsonChoose, type ArmStats, type Random } from './bandit';
import { evalCondition, type Condition, type UnknownOperatorHandler } from './condition';
import type { BanditStats, ValidPlacement, Variant } from './config';
import { chooseByWeights, hashBucket } from './hash';

/** Why a variant was chosen; the `Variant Viewed` event carries it. */
export type DecisionReason = 'rule' | 'weighted' | 'bandit' | 'sticky' | 'holdout' | 'default' | 'error';

/** A visitor's stored assignment for one placement. */
export interface StickyAssignment {
  variant: string;
  /** The placement's `version` when it was assigned; another version re-randomises. */
  version: number;
}

/** What {@link decidePlacement} decides from. */
export interface DecisionInput {
  /** The profile plus `context`, `traits`, `segments`, `page`: what conditions read. */
  attributes: unknown;
  /** The anonymous id, hashed for holdouts and weighted splits. */
  unitId: string;
  /** Ids of the segments the visitor is in; the first the placement lists is the visitor's segment. */
  segments?: readonly string[];
  /** Statistics from the backend, keyed placement → segment (`*`: no segment) → variant. */
  stats?: BanditStats;
  /** This device's observations not yet synced, same shape, added to `stats`. */
  localStats?: BanditStats;
  /** The stored assignment for this placement, if any. */
  sticky?: StickyAssignment | null;
  /**
   * The visitor's stored holdout bucket for this placement and version, in [0, 1):
   * drawn once and kept, so that logging in (a new `unitId`) never moves a visitor
   * in or out of the control group. Absent: hashed from `unitId`.
   */
  holdoutBucket?: number;
  /** The visitor is in the site-wide holdout: every placement shows its default. */
  siteHoldout?: boolean;
  /** Uniform source in [0, 1) for the bandit (default `Math.random`). */
  random?: Random;
  /** Passed to `evalCondition`: told once per path about an unknown operator. */
  onUnknown?: UnknownOperatorHandler;
  /**
   * Impressions (over the pool's variants) a segment needs before the bandit uses its
   * own posteriors (default 200). Below that, or without a segment, it uses pooled
   * counts: the sum over every key of the placement's statistics, `*` and each
   * segment, which the collector keeps disjoint (an impression is counted under the
   * visitor's segment, or under `*` when there is none).
   */
  minSegmentImpressions?: number;
  /**
   * Least share of traffic each pool variant keeps (default 0.01, at most 1 / variants):
   * with probability `floor × variants` the bandit picks uniformly instead of by
   * Thompson sampling, so every variant is shown at least `floor` of the time.
   */
  floor?: number;
}

/** One variant's share of a weighted split: buckets in `[from, to)` get it. */
export interface WeightRange {
  id: string;
  from: number;
  to: number;
}

/** How the bandit chose. */
export interface BanditExplain {
  /** Whose posteriors were used: the segment id, or `pooled`. */
  posteriors: string;
  /** Why: the segment had enough impressions, the visitor has no listed segment, or the segment has too few. */
  why: 'enough data' | 'no segment' | 'too few';
  /** The visitor's segment's impressions over the pool (0 without a segment). */
  impressions: number;
  /** The `minSegmentImpressions` in force. */
  threshold: number;
  /** The counts used, in pool order; `banditWeights(arms)` gives each one's chance of being best. */
  arms: ArmStats[];
  /** Each arm's posterior draw, in pool order; empty when `explored`. */
  draws: number[];
  /** True when the floor picked uniformly instead of Thompson sampling. */
  explored: boolean;
  /** The exploration floor in force. */
  floor: number;
}

/** Why the variant was chosen; which parts are present depends on the reason. */
export interface DecisionExplain {
  /** `error`: what is wrong (the placement's first problem, with its JSON path, or an internal error). */
  error?: { message: string; path: string };
  /** Any placement with a holdout: the visitor's bucket, held out when below `share`; or the site-wide holdout. */
  holdout?: { bucket: number; share: number } | { site: true };
  /** `rule`: the variant and its index in `variants`; `when` is absent for the first of a `rules` pool. */
  rule?: { variant: string; index: number; when?: Condition };
  /** `sticky`: the stored assignment that was kept. */
  sticky?: StickyAssignment;
  /** `weighted`: the visitor's bucket and the pool's ranges. */
  weighted?: { bucket: number; ranges: WeightRange[] };
  /** `bandit`: posteriors, draws and exploration. */
  bandit?: BanditExplain;
}

/** A decision for one placement. */
export interface Decision {
  /** The variant to show; null only for a placement left without variants (the page's markup stays). */
  variant: string | null;
  reason: DecisionReason;
  /** `holdout` for the control group (reason `holdout`), else `treatment`; statistics keep the two apart. */
  group: 'treatment' | 'holdout';
  /** The visitor's segment for this placement (first of `segments` that the placement lists), for events and statistics. */
  segment: string | null;
  /** Whether to store `{ variant, version }` as the sticky assignment (weighted and bandit choices of sticky placements). */
  store: boolean;
  explain: DecisionExplain;
}

const num = (x: unknown) => (Number.isFinite(x) && (x as number) > 0 ? (x as number) : 0);

/**
 * Decides which variant of `placement` (validated by `validateConfig`) the visitor sees.
 * Synchronous, allocation-light and never throws.
 *
 * @example decidePlacement(config.placements[0], { attributes, unitId: anonymousId, segments: ['loyal'], stats: config.stats })
 */
export function decidePlacement(placement: ValidPlacement, input: DecisionInput): Decision {
  let segment: string | null = null;
  const explain: DecisionExplain = {};
  const done = (variant: string | null | undefined, reason: DecisionReason, store?: boolean): Decision => ({
    variant: variant ?? null,
    reason,
    group: reason == 'holdout' ? 'holdout' : 'treatment',
    segment,
    store: !!store,
    explain,
  });
  try {
    const { id, version, variants, strategy, broken } = placement;
    const { unitId, segments } = input;
    const listed = placement.segments;
    if (segments) for (let i = 0; segment == null && i < segments.length; i++) if (listed.includes(segments[i])) segment = segments[i];
    if (broken) {
      explain.error = { message: broken.message, path: broken.path };
      return done(placement.default, 'error');
    }
    if (input.siteHoldout) {
      explain.holdout = { site: true };
      return done(placement.default, 'holdout');
    }
    const share = placement.holdout;
    if (share > 0) {
      const bucket = input.holdoutBucket ?? hashBucket(id + ':holdout:' + version, unitId);
      explain.holdout = { bucket, share };
      if (bucket < share) return done(placement.default, 'holdout');
    }
    const pool: Variant[] = [];
    for (let i = 0; i < variants.length; i++) {
      const v = variants[i];
      if (!v.when) pool.push(v);
      else if (evalCondition(v.when, input.attributes, input.onUnknown)) {
        explain.rule = { variant: v.id, index: i, when: v.when };
        return done(v.id, 'rule');
      }
    }
    const k = pool.length;
    if (!k) return done(placement.default, 'default');
    if (strategy == 'rules') {
      explain.rule = { variant: pool[0].id, index: variants.indexOf(pool[0]) };
      return done(pool[0].id, 'rule');
    }
    const stored = input.sticky;
    if (placement.sticky && stored && stored.version === version && pool.some((v) => v.id === stored.variant)) {
      explain.sticky = { variant: stored.variant, version };
      return done(stored.variant, 'sticky');
    }
    const store = placement.sticky;
    if (strategy == 'weighted') {
      const bucket = hashBucket(id + ':' + version, unitId);
      const weights = pool.map((v) => v.weight || 0);
      let i = chooseByWeights(bucket, weights);
      // Weights may fall short of 1 by up to 0.001; the gap at the end goes to the last live range.
      if (i < 0) for (i = k - 1; i > 0 && !(weights[i] > 0); ) i--;
      // The same ranges as chooseByWeights: weights not adding up to 1 ± 0.01 split evenly.
      const sum = weights.reduce((s, w) => s + w, 0);
      let from = 0;
      const ranges = pool.map((v, j) => {
        const w = sum >= 0.99 && sum <= 1.01 ? weights[j] : 1 / k;
        return { id: v.id, from, to: (from += w) };
      });
      explain.weighted = { bucket, ranges };
      return done(pool[i].id, 'weighted', store);
    }
    // Bandit: the visitor's segment's counts if it has enough, else pooled counts.
    const byPlacement = [input.stats?.[id], input.localStats?.[id]];
    const arms: ArmStats[] = pool.map((v) => ({ id: v.id, impressions: 0, conversions: 0 }));
    const tally = (only: string | null) => {
      let total = 0;
      for (const arm of arms) arm.impressions = arm.conversions = 0;
      // Counts come from the network: anything that is not a positive finite number reads as 0
      // (indexing a stray string or number finds nothing; only null and undefined are skipped).
      for (const bySegment of byPlacement)
        if (bySegment)
          for (const s of only == null ? Object.keys(bySegment) : [only]) {
            const byVariant = bySegment[s];
            if (byVariant)
              for (const arm of arms) {
                const c = byVariant[arm.id];
                const n = num(c && c.impressions);
                total += n;
                arm.impressions += n;
                arm.conversions += num(c && c.conversions);
              }
          }
      return total;
    };
    const threshold = input.minSegmentImpressions ?? 200;
    const impressions = segment == null ? 0 : tally(segment);
    const own = segment != null && impressions >= threshold;
    if (!own) tally(null);
    const random = input.random || Math.random;
    const floor = Math.min(num(input.floor ?? 0.01), 1 / k);
    const explored = random() < floor * k;
    const choice = explored ? null : thompsonChoose(arms, random);
    const i = choice ? arms.findIndex((a) => a.id === choice.id) : Math.min(k - 1, (random() * k) >>> 0);
    explain.bandit = {
      posteriors: own ? (segment as string) : 'pooled',
      why: own ? 'enough data' : segment == null ? 'no segment' : 'too few',
      impressions,
      threshold,
      arms,
      draws: choice ? choice.draws : [],
      explored,
      floor,
    };
    return done(pool[i < 0 ? 0 : i].id, 'bandit', store);
  } catch (e) {
    let message = 'internal error';
    let fallback: unknown;
    try {
      fallback = placement.default;
      message += ': ' + (e as Error).message;
    } catch {
      // Not even the error or the placement can be read: the page's markup stays.
    }
    explain.error = { message, path: '$' };
    return done(typeof fallback == 'string' ? fallback : null, 'error');
  }
}
