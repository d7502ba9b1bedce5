/**
 * Running totals of the daily cohorts, for the charts and their tables: the
 * conversion rate of everyone exposed up to each day, and the uplift of treatment
 * over holdout so far. One day's cohort is small and its interval wide, so day-by-day
 * lines of many variants cross and recross and say little; totals so far settle as
 * visitors accumulate, which is what a marketer watches (experiment platforms show
 * cumulative figures for the same reason). Same model as the report: Beta(1 + c,
 * 1 + n − c) posteriors, intervals from src/stats.
 */
import { conversionInterval, conversionUplift } from '../../src/stats';
import type { DailyPoint } from '../report-types';
import type { Ranged } from './tables';

const none: Ranged = { value: null, low: null, high: null };

/** Running visitors and converters of `daily` at each of `days` (sorted), zero before the first cohort. */
function running(daily: readonly DailyPoint[], days: readonly string[]): { visitors: number; converters: number }[] {
  const byDay = new Map(daily.map((d) => [d.day, d]));
  let visitors = 0;
  let converters = 0;
  return days.map((day) => {
    const point = byDay.get(day);
    if (point) {
      visitors += point.visitors;
      converters += point.converters;
    }
    return { visitors, converters };
  });
}

/** The conversion rate of the cohorts up to each day, with its 95 % interval; empty before any visitor. */
export function cumulativeRates(daily: readonly DailyPoint[], days: readonly string[]): Ranged[] {
  return running(daily, days).map(({ visitors, converters }) => {
    if (visitors === 0) return none;
    const r = conversionInterval(converters, visitors);
    return { value: r.rate, low: r.low, high: r.high };
  });
}

/**
 * Treatment's relative uplift over the holdout up to each day, with its 95 %
 * interval (the report's model); empty until both have visitors and the holdout a
 * conversion. `treatment` is every variant's daily series.
 */
export function cumulativeUplift(treatment: readonly (readonly DailyPoint[])[], holdout: readonly DailyPoint[], days: readonly string[]): Ranged[] {
  const t = treatment.map((daily) => running(daily, days));
  const h = running(holdout, days);
  return days.map((_, i) => {
    const visitors = t.reduce((sum, series) => sum + series[i].visitors, 0);
    const conversions = t.reduce((sum, series) => sum + series[i].converters, 0);
    const control = { visitors: h[i].visitors, conversions: h[i].converters };
    if (visitors === 0 || control.visitors === 0 || control.conversions === 0) return none;
    const u = conversionUplift({ visitors, conversions }, control);
    return { value: u.lift, low: u.low, high: u.high };
  });
}
