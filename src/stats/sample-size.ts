/**
 * Whether a comparison of two conversion rates has enough visitors, and about how many more
 * it needs.
 */
import { normalQuantile } from './normal-quantile';
import { cleanCounts, type VariantCounts } from './posterior';

/**
 * Visitors needed in each of two equal groups for a two-sided test of p₁ = p₂ (the pooled
 * two-proportion z-test, no continuity correction) to detect rates p₁ and p₂ with the given
 * power at significance `alpha`:
 *
 *   n = ( z_{1−α/2} √(2 p̄ (1 − p̄)) + z_{power} √(p₁(1 − p₁) + p₂(1 − p₂)) )² / (p₁ − p₂)²,
 *
 * with p̄ = (p₁ + p₂)/2, rounded up (Fleiss, Levin & Paik, Statistical Methods for Rates and
 * Proportions, §4.2, without the correction). Infinity when p₁ = p₂; NaN for rates outside
 * [0, 1] or alpha, power outside (0, 1).
 *
 * @example twoProportionSampleSize(0.05, 0.055) // 31,234 per group (+10 % on 5 %)
 */
export function twoProportionSampleSize(p1: number, p2: number, alpha = 0.05, power = 0.8): number {
  if (!(p1 >= 0 && p1 <= 1 && p2 >= 0 && p2 <= 1 && alpha > 0 && alpha < 1 && power > 0 && power < 1)) return NaN;
  if (p1 === p2) return Infinity;
  const zAlpha = normalQuantile(1 - alpha / 2);
  const zPower = normalQuantile(power);
  const mean = (p1 + p2) / 2;
  const root = zAlpha * Math.sqrt(2 * mean * (1 - mean)) + zPower * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  // Rounding error must not push an exact integer up by one.
  return Math.ceil((root * root) / ((p1 - p2) * (p1 - p2)) - 1e-9);
}

/** Options of {@link enoughData}. */
export interface EnoughDataOptions {
  /** The smallest relative lift worth detecting, used when the observed one is smaller (default 0.1, i.e. 10 %). */
  minimumLift?: number;
  /** Two-sided significance level (default 0.05). */
  alpha?: number;
  /** Power (default 0.8). */
  power?: number;
}

/** Whether a comparison has enough data, and what it would take. */
export interface EnoughData {
  /** Both groups have at least `requiredPerVariant` visitors. */
  enough: boolean;
  /** Visitors each group needs (null while no conversion at all gives a baseline rate). */
  requiredPerVariant: number | null;
  /** Visitors still missing in the smaller group: max(0, required − its visitors); null with `requiredPerVariant`. */
  additionalPerVariant: number | null;
  /** The baseline rate the calculation used: the control's, or the pooled rate while the control has no conversion. */
  baselineRate: number;
  /** The relative lift it was sized for: the observed one, or `minimumLift` if that is larger. */
  liftUsed: number;
}

/**
 * Says whether `control` against `variant` has enough visitors to detect the lift seen so far
 * (or `minimumLift`, 10 % by default, whichever is larger: tiny observed lifts would ask for
 * absurd numbers) with 80 % power at α = 0.05, by {@link twoProportionSampleSize} with
 * p₁ = the baseline rate and p₂ = p₁ · (1 + lift) (or p₁ · (1 − lift) if that would pass 100 %).
 *
 * The baseline is the control's observed rate; while the control has no conversion, the
 * pooled rate of both groups; with no conversion anywhere there is no baseline, and the answer
 * is "not enough", with the required counts unknown (null).
 *
 * Limits: a planning figure, not a stopping rule. It sizes a classical test; the dashboard's
 * Bayesian figures are valid at any sample size but are unstable well below it. The observed
 * rates are themselves noisy while the data are few, so the figure moves as data come in.
 *
 * @example enoughData({ visitors: 4000, conversions: 200 }, { visitors: 4000, conversions: 212 })
 * // baseline 5 %, lift 10 % (6 % observed): 31,234 per variant, 27,234 more
 */
export function enoughData(control: VariantCounts, variant: VariantCounts, options: EnoughDataOptions = {}): EnoughData {
  const { minimumLift = 0.1, alpha = 0.05, power = 0.8 } = options;
  const [c, nc] = cleanCounts(control.conversions, control.visitors);
  const [v, nv] = cleanCounts(variant.conversions, variant.visitors);
  const baselineRate = c > 0 ? c / nc : nc + nv > 0 ? (c + v) / (nc + nv) : 0;
  const observedLift = c > 0 && nv > 0 ? Math.abs(v / nv - c / nc) / (c / nc) : 0;
  const liftUsed = Math.max(observedLift, minimumLift);
  if (!(baselineRate > 0) || !(liftUsed > 0)) {
    return { enough: false, requiredPerVariant: null, additionalPerVariant: null, baselineRate, liftUsed };
  }
  const up = baselineRate * (1 + liftUsed);
  const target = up < 1 ? up : baselineRate * (1 - Math.min(liftUsed, 1));
  const requiredPerVariant = twoProportionSampleSize(baselineRate, target, alpha, power);
  if (!Number.isFinite(requiredPerVariant)) {
    return { enough: false, requiredPerVariant: null, additionalPerVariant: null, baselineRate, liftUsed };
  }
  const additionalPerVariant = Math.max(0, requiredPerVariant - Math.min(nc, nv));
  return { enough: additionalPerVariant === 0, requiredPerVariant, additionalPerVariant, baselineRate, liftUsed };
}
