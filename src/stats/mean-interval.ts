/**
 * The mean of a per-visitor value (revenue per visitor) from running sums, with its
 * confidence interval.
 */
import { studentTQuantile } from './normal-quantile';

/** Running sums of a per-visitor value: every visitor counts, those with no value as 0. */
export interface MomentSums {
  /** Visitors (observations). */
  count: number;
  /** Σ value. */
  sum: number;
  /** Σ value². */
  sumSquares: number;
}

/** A mean with its standard error and confidence interval (null where they do not exist). */
export interface MeanInterval {
  /** sum / count; 0 when there is no visitor. */
  mean: number;
  /** s / √n with s² the sample variance; null below 2 visitors. */
  standardError: number | null;
  /** The interval's ends; null below 2 visitors. */
  low: number | null;
  high: number | null;
}

/**
 * The sample variance (sumSquares − sum²/n) / (n − 1) from running sums: never negative (the
 * subtraction can round below 0 when every value is equal), NaN below 2 observations. It loses
 * digits when the mean is huge next to the spread, which per-visitor revenue never is.
 */
export function sampleVariance({ count, sum, sumSquares }: MomentSums): number {
  if (!(count >= 2)) return NaN;
  return Math.max(0, (sumSquares - (sum * sum) / count) / (count - 1));
}

/**
 * The mean per visitor with its two-sided confidence interval at `level` (default 0.95): the
 * Student t interval mean ± t_{n−1} · s/√n, with s² the sample variance of all visitors
 * (those without revenue count as 0).
 *
 * Model and limits: visitors are independent draws of one distribution; the interval relies on
 * the central limit theorem, fine for thousands of visitors, optimistic for a few dozen when
 * a handful of large orders dominate (revenue is heavily skewed). With fewer than 2 visitors
 * there is no interval. The t quantile makes it exact for normal data and the same as the
 * normal approximation for large counts.
 *
 * @example meanInterval({ count: 1000, sum: 2500, sumSquares: 250000 }) // { mean: 2.5, standardError: ≈0.494, low: ≈1.531, high: ≈3.469 }
 */
export function meanInterval(sums: MomentSums, level = 0.95): MeanInterval {
  const n = Number.isFinite(sums.count) && sums.count > 0 ? Math.floor(sums.count) : 0;
  const mean = n > 0 ? sums.sum / n : 0;
  if (n < 2) return { mean, standardError: null, low: null, high: null };
  const standardError = Math.sqrt(sampleVariance({ ...sums, count: n }) / n);
  const half = studentTQuantile((1 + level) / 2, n - 1) * standardError;
  return { mean, standardError, low: mean - half, high: mean + half };
}
