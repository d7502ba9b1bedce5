/**
 * The statistics of one group of visitors, from summed cohort rows: conversion rate
 * with its credible interval, revenue per visitor with its interval, lifts and
 * uplifts. Pure functions over `src/stats/`.
 */
import { conversionInterval, conversionUplift, enoughData, meanInterval, meanUplift, relativeLift, riskRatio, type VariantCounts } from '../src/stats';
import type { CohortRow } from './report-store';
import type { DailyPoint, GroupFigures, MeanWithInterval, RateWithInterval, RelativeChange, UpliftReport } from './report-types';

/** The credible and confidence level of every interval in the report. */
export const REPORT_LEVEL = 0.95;

/** Summed figures of a set of cohort rows. */
export interface Sums {
  visitors: number;
  impressions: number;
  converters: number;
  conversions: number;
  value: number;
  squares: number;
}

// Six significant digits are far finer than any decision made on them and keep the body small.
export const round = (x: number): number => (Number.isFinite(x) ? Number(x.toPrecision(6)) : x);
const roundOrNull = (x: number | null): number | null => (x === null ? null : round(x));

/** Adds up rows. */
export function sum(rows: readonly CohortRow[]): Sums {
  const s: Sums = { visitors: 0, impressions: 0, converters: 0, conversions: 0, value: 0, squares: 0 };
  for (const r of rows) {
    s.visitors += r.visitors;
    s.impressions += r.impressions;
    s.converters += r.converters;
    s.conversions += r.conversions;
    s.value += r.value;
    s.squares += r.value_squares;
  }
  return s;
}

/** A day number as `YYYY-MM-DD`. */
export const dayString = (day: number): string => new Date(day * 86_400_000).toISOString().slice(0, 10);

const counts = (s: Sums): VariantCounts => ({ visitors: s.visitors, conversions: s.converters });
const moments = (s: Sums) => ({ count: s.visitors, sum: s.value, sumSquares: s.squares });

/** Converting visitors per visitor, with its interval. */
export function rateOf(s: Pick<Sums, 'visitors' | 'converters'>): RateWithInterval {
  const { rate, low, high } = conversionInterval(s.converters, s.visitors, REPORT_LEVEL);
  return { rate: round(rate), low: round(low), high: round(high) };
}

/** Value per visitor, with its interval. */
export function revenueOf(s: Sums): MeanWithInterval {
  const m = meanInterval(moments(s), REPORT_LEVEL);
  return { mean: round(m.mean), low: roundOrNull(m.low), high: roundOrNull(m.high) };
}

/** A variant's conversion-rate lift over the base, with its credible interval. */
export function rateLift(base: Sums, variant: Sums): RelativeChange {
  const l = relativeLift(counts(base), counts(variant), REPORT_LEVEL);
  return { relative: roundOrNull(l.lift), low: roundOrNull(l.low), high: roundOrNull(l.high), probabilityBetter: round(l.probabilityBetter) };
}

/** A group's revenue-per-visitor change over the base (Welch). */
export function revenueLift(base: Sums, variant: Sums): RelativeChange {
  const u = meanUplift(moments(variant), moments(base), REPORT_LEVEL);
  return { relative: roundOrNull(u.relative), low: roundOrNull(u.relativeLow), high: roundOrNull(u.relativeHigh), probabilityBetter: null };
}

/** Whether `a` against `b` has enough visitors, and how many more the smaller needs. */
export function sufficiency(control: Sums, variant: Sums) {
  const e = enoughData(counts(control), counts(variant));
  return { enough: e.enough, visitorsNeeded: e.additionalPerVariant };
}

/** Rows grouped by day, in day order. */
function byDay(rows: readonly CohortRow[]): [number, CohortRow[]][] {
  const days = new Map<number, CohortRow[]>();
  for (const r of rows) {
    const list = days.get(r.day);
    if (list) list.push(r);
    else days.set(r.day, [r]);
  }
  return [...days].sort((a, b) => a[0] - b[0]);
}

/** The figures of one group of cohort rows, with its daily series. */
export function groupFigures(rows: readonly CohortRow[]): GroupFigures {
  const s = sum(rows);
  const daily: DailyPoint[] = byDay(rows).map(([day, list]) => {
    const d = sum(list);
    return { day: dayString(day), visitors: d.visitors, converters: d.converters, conversionRate: rateOf(d) };
  });
  return {
    visitors: s.visitors,
    impressions: s.impressions,
    converters: s.converters,
    conversions: s.conversions,
    value: round(s.value),
    conversionRate: rateOf(s),
    revenuePerVisitor: revenueOf(s),
    daily,
  };
}

/** Treatment rows against holdout rows: what personalisation adds. */
export function uplift(treatmentRows: readonly CohortRow[], holdoutRows: readonly CohortRow[]): UpliftReport {
  const t = sum(treatmentRows);
  const h = sum(holdoutRows);
  const side = (s: Sums) => ({ visitors: s.visitors, converters: s.converters, value: round(s.value), conversionRate: rateOf(s), revenuePerVisitor: revenueOf(s) });
  const holdoutByDay = new Map(byDay(holdoutRows));
  const daily = byDay(treatmentRows).flatMap(([day, list]) => {
    const hd = holdoutByDay.get(day);
    if (!hd) return [];
    // A day's point is for the chart: Katz's interval costs microseconds where the quadrature
    // behind every total costs a millisecond, and there is a point per day and placement.
    const u = riskRatio(counts(sum(list)), counts(sum(hd)), REPORT_LEVEL);
    return [{ day: dayString(day), relative: roundOrNull(u.relative), low: roundOrNull(u.low), high: roundOrNull(u.high) }];
  });
  const c = conversionUplift(counts(t), counts(h), REPORT_LEVEL);
  return {
    treatment: side(t),
    holdout: side(h),
    conversionRate: { relative: roundOrNull(c.lift), low: roundOrNull(c.low), high: roundOrNull(c.high), probabilityBetter: round(c.probabilityBetter) },
    revenuePerVisitor: revenueLift(h, t),
    daily,
    enoughData: sufficiency(h, t),
  };
}
