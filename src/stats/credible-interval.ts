/**
 * Credible intervals for a conversion rate, shared by the collector's `/v1/stats`
 * and anything in the browser that wants to show the same figures.
 */
import { betaQuantile } from './beta-quantile';
import { cleanCounts } from './posterior';

/** A rate's point estimate and equal-tailed credible interval, all in [0, 1]. */
export interface RateInterval {
  /** Observed rate, conversions / impressions (0 when there are no impressions). */
  rate: number;
  /** Lower end of the interval. */
  low: number;
  /** Upper end of the interval. */
  high: number;
}

/**
 * The equal-tailed credible interval of Beta(a, b) holding `level` of its mass
 * (default 0.95): the (1 − level)/2 and (1 + level)/2 quantiles.
 */
export function betaInterval(a: number, b: number, level = 0.95): [number, number] {
  const tail = (1 - level) / 2;
  return [betaQuantile(tail, a, b), betaQuantile(1 - tail, a, b)];
}

/**
 * The conversion rate with its credible interval under a uniform prior: the
 * posterior is Beta(1 + conversions, 1 + impressions − conversions).
 *
 * @example conversionInterval(30, 1000) // { rate: 0.03, low: ≈0.0210, high: ≈0.0424 }
 */
export function conversionInterval(conversions: number, impressions: number, level = 0.95): RateInterval {
  const [c, n] = cleanCounts(conversions, impressions);
  const [low, high] = betaInterval(1 + c, 1 + n - c, level);
  return { rate: n > 0 ? c / n : 0, low, high };
}
