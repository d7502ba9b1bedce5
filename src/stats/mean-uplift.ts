/**
 * The difference and relative uplift between two means per visitor (treatment against
 * holdout, for revenue per visitor), with Welch intervals.
 */
import { sampleVariance, type MomentSums } from './mean-interval';
import { studentTQuantile } from './normal-quantile';

/** treatment − holdout and treatment / holdout − 1, each with its interval. */
export interface MeanUplift {
  /** mean_t − mean_h, in the value's unit (e.g. revenue per visitor). */
  difference: number;
  /** Welch's interval of the difference; null when a side has fewer than 2 visitors. */
  differenceLow: number | null;
  differenceHigh: number | null;
  /** mean_t / mean_h − 1 (0.12 is +12 %); null unless both means are > 0. */
  relative: number | null;
  /** Interval of the relative uplift (delta method on ln of the ratio); null with `relative` or a side under 2 visitors. */
  relativeLow: number | null;
  relativeHigh: number | null;
  /** Welch–Satterthwaite degrees of freedom (Infinity when both variances are 0); null with no interval. */
  degreesOfFreedom: number | null;
}

/**
 * The uplift of `treatment`'s mean over `holdout`'s at `level` (default 0.95).
 *
 * Difference: Welch's unequal-variance interval, d ± t_ν · √(s_t²/n_t + s_h²/n_h), with ν the
 * Welch–Satterthwaite degrees of freedom (as scipy.stats.ttest_ind(equal_var=False)).
 *
 * Relative: the delta method on ln(mean_t / mean_h), whose variance is about
 * se_t²/mean_t² + se_h²/mean_h²; the interval exp(ln ratio ± t_ν · se) − 1 stays above −100 %
 * and contains the observed uplift. Both means must be positive.
 *
 * Limits: large-sample (normal) theory, like {@link meanInterval}: with few buyers, skewed
 * revenue makes the intervals too narrow; the relative interval is also poor when the holdout's
 * mean is within a couple of standard errors of 0.
 */
export function meanUplift(treatment: MomentSums, holdout: MomentSums, level = 0.95): MeanUplift {
  const nt = Number.isFinite(treatment.count) && treatment.count > 0 ? Math.floor(treatment.count) : 0;
  const nh = Number.isFinite(holdout.count) && holdout.count > 0 ? Math.floor(holdout.count) : 0;
  const mt = nt > 0 ? treatment.sum / nt : 0;
  const mh = nh > 0 ? holdout.sum / nh : 0;
  const difference = mt - mh;
  const relative = mt > 0 && mh > 0 ? mt / mh - 1 : null;
  const none = { difference, differenceLow: null, differenceHigh: null, relative, relativeLow: null, relativeHigh: null, degreesOfFreedom: null };
  if (nt < 2 || nh < 2) return none;
  const vt = sampleVariance({ ...treatment, count: nt }) / nt;
  const vh = sampleVariance({ ...holdout, count: nh }) / nh;
  const variance = vt + vh;
  // Welch–Satterthwaite, with the variances scaled by the larger so that squaring cannot underflow.
  const largest = Math.max(vt, vh);
  const st = vt / largest;
  const sh = vh / largest;
  const degreesOfFreedom = variance > 0 ? ((st + sh) * (st + sh)) / ((st * st) / (nt - 1) + (sh * sh) / (nh - 1)) : Infinity;
  const t = studentTQuantile((1 + level) / 2, degreesOfFreedom);
  const half = t * Math.sqrt(variance);
  let relativeLow: number | null = null;
  let relativeHigh: number | null = null;
  if (relative !== null) {
    const logHalf = t * Math.sqrt(vt / (mt * mt) + vh / (mh * mh));
    const logRatio = Math.log(mt / mh);
    relativeLow = Math.expm1(logRatio - logHalf);
    relativeHigh = Math.expm1(logRatio + logHalf);
  }
  return { difference, differenceLow: difference - half, differenceHigh: difference + half, relative, relativeLow, relativeHigh, degreesOfFreedom };
}
