/**
 * The `/v1/stats` response: each variant's counts with its conversion rate and
 * credible interval, in the shape the SDK's bandit reads.
 */
import { conversionInterval } from '../src/stats/credible-interval';
import type { VariantTotals } from './event-store';

/** The credible level of the reported intervals. */
export const CREDIBLE_LEVEL = 0.95;

/** One variant of one placement within one segment (null: events that named no segment). */
export interface VariantStats {
  placement: string;
  variant: string;
  segment: string | null;
  impressions: number;
  conversions: number;
  /** conversions / impressions, conversions capped at impressions (0 without impressions). */
  rate: number;
  /** The 95 % equal-tailed credible interval of the rate under Beta(1 + c, 1 + n − c). */
  interval: [number, number];
}

/** The body of `GET /v1/stats`. */
export interface StatsResponse {
  site: string;
  level: number;
  variants: VariantStats[];
}

// Six significant digits are far finer than any decision made on them and keep the
// response small; the SDK recomputes its own posteriors from the counts anyway.
const round = (x: number) => Number(x.toPrecision(6));

/**
 * Builds the stats response from stored totals. Conversions are "Variant Converted"
 * events as attributed by the SDK; a variant with more conversions than impressions
 * (e.g. impressions not yet synced) has its rate and interval computed with
 * conversions capped at impressions, while the raw counts are reported as they are.
 */
export function statsResponse(site: string, totals: readonly VariantTotals[]): StatsResponse {
  return {
    site,
    level: CREDIBLE_LEVEL,
    variants: totals.map((t) => {
      const { rate, low, high } = conversionInterval(t.conversions, t.impressions, CREDIBLE_LEVEL);
      return {
        placement: t.placement,
        variant: t.variant,
        segment: t.segment === '' ? null : t.segment,
        impressions: t.impressions,
        conversions: t.conversions,
        rate: round(rate),
        interval: [round(low), round(high)],
      };
    }),
  };
}
