/**
 * Sample-ratio mismatch: whether visitors were split between variants (or between treatment
 * and holdout) in the proportions the configuration asked for.
 */
import { chiSquareSurvival } from './incomplete-gamma';

/** The p-value below which a split is flagged: strict, since the check runs on every report. */
export const SRM_THRESHOLD = 0.001;

/** The outcome of a chi-square goodness-of-fit test of observed counts against expected shares. */
export interface SampleRatioCheck {
  /** Pearson's statistic Σ (observed − expected)² / expected. */
  statistic: number;
  /** Number of groups with a positive share, minus 1. */
  degreesOfFreedom: number;
  /** P(χ² ≥ statistic) under a correct split: small means the split is off. */
  pValue: number;
  /** pValue < {@link SRM_THRESHOLD}: the counts are very unlikely under the configured split. */
  mismatch: boolean;
}

/**
 * Chi-square goodness-of-fit of `observed` visitor counts against `weights` (the configured
 * split, in any unit: [50, 50], [1, 1, 2], or [0.9, 0.1] for a 10 % holdout; they are
 * normalised). Expected counts are total · weight / Σ weights; the p-value is the chi-square
 * survival function (the regularised upper incomplete gamma Q(df/2, statistic/2), see
 * chiSquareSurvival) with df = groups − 1.
 *
 * A group with weight 0 is left out if it has no visitor, and makes the split a certain
 * mismatch (statistic ∞, p 0) if it has some. With no visitors, fewer than 2 groups of positive
 * weight, or invalid input (lengths differ, negative or non-finite numbers) nothing can be
 * concluded: statistic 0, p 1, no mismatch. Counts are floored.
 *
 * Limits: the chi-square approximation wants expected counts of about 5 or more per group;
 * below that the p-value is rough, but a mismatch at p < 0.001 is then still a real signal.
 * A mismatch says the assignment or the counting is broken (a redirect losing visitors, bots,
 * a cached page), not which variant is better: results from such a split should not be trusted.
 *
 * @example sampleRatioMismatch([5000, 5300], [1, 1]) // statistic ≈ 8.74, p ≈ 0.0031, no mismatch
 */
export function sampleRatioMismatch(observed: readonly number[], weights: readonly number[]): SampleRatioCheck {
  const inconclusive: SampleRatioCheck = { statistic: 0, degreesOfFreedom: 0, pValue: 1, mismatch: false };
  if (observed.length !== weights.length) return inconclusive;
  if (![...observed, ...weights].every((x) => Number.isFinite(x) && x >= 0)) return inconclusive;
  const counts = observed.map(Math.floor);
  const total = counts.reduce((s, c) => s + c, 0);
  const weightSum = weights.reduce((s, w) => s + w, 0);
  const groups = weights.filter((w) => w > 0).length;
  if (total === 0 || groups < 2) return inconclusive;
  let statistic = 0;
  for (let i = 0; i < counts.length; i++) {
    if (weights[i] > 0) {
      const expected = (total * weights[i]) / weightSum;
      statistic += ((counts[i] - expected) * (counts[i] - expected)) / expected;
    } else if (counts[i] > 0) statistic = Infinity;
  }
  const degreesOfFreedom = groups - 1;
  const pValue = statistic === Infinity ? 0 : chiSquareSurvival(statistic, degreesOfFreedom);
  return { statistic, degreesOfFreedom, pValue, mismatch: pValue < SRM_THRESHOLD };
}
