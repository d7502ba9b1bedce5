/**
 * The report's reads: three index-range queries over a site's days, whose cost grows
 * with the range and the number of placements, variants and segments, never with the
 * number of stored events.
 */
import { settleFold } from './aggregate-fold';
import type { Db } from './database';

/** One `cohort_daily` row. */
export interface CohortRow {
  day: number;
  kind: string;
  subject: string;
  arm: string;
  grp: string;
  label: string;
  visitors: number;
  impressions: number;
  converters: number;
  conversions: number;
  value: number;
  value_squares: number;
}

/** One `daily_counts` row. */
export interface CountRow {
  day: number;
  metric: string;
  a: string;
  b: string;
  count: number;
  value: number;
}

/** What the report is computed from, for one site and range of days. */
export interface ReportRows {
  cohorts: CohortRow[];
  counts: CountRow[];
  /** Distinct visitors active in the range, and of them those who ordered. */
  visitors: number;
  buyers: number;
  /** [day, distinct visitors active that day], in day order. */
  dailyVisitors: [day: number, visitors: number][];
}

/** Reads the aggregate rows of a site between two UTC day numbers, inclusive. */
export type ReadReportRows = (site: string, fromDay: number, toDay: number) => Promise<ReportRows>;

/** A `day_links` row as the report reads it: [kind, day, prev_day, visitors]. */
export type DayLinkRow = [kind: string, day: number, prevDay: number, visitors: number];

/**
 * Distinct visitors (and buyers) over a range starting at `fromDay` and per day, from the
 * range's day links (see visitor-days.ts). Pure; both stores' readers use it.
 */
export function distinctVisitors(links: Iterable<DayLinkRow>, fromDay: number): Pick<ReportRows, 'visitors' | 'buyers' | 'dailyVisitors'> {
  const totals: Record<string, number> = { active: 0, ordered: 0 };
  const daily = new Map<number, number>();
  for (const [kind, day, prev, visitors] of links) {
    if (prev < fromDay) totals[kind] = (totals[kind] ?? 0) + visitors;
    if (kind === 'active') daily.set(day, (daily.get(day) ?? 0) + visitors);
  }
  return { visitors: totals.active, buyers: totals.ordered, dailyVisitors: [...daily].sort((x, y) => x[0] - y[0]) };
}

/** Prepares the report's queries. */
export function createReportReader(db: Db): ReadReportRows {
  const cohorts = db.prepare<[string, number, number], CohortRow>(
    `SELECT day, kind, subject, arm, grp, label, visitors, impressions, converters, conversions, value, value_squares
     FROM cohort_daily WHERE site = ? AND day BETWEEN ? AND ?`,
  );
  const counts = db.prepare<[string, number, number], CountRow>('SELECT day, metric, a, b, count, value FROM daily_counts WHERE site = ? AND day BETWEEN ? AND ?');
  const links = db
    .prepare<[string, number, number]>('SELECT kind, day, prev_day, visitors FROM day_links WHERE site = ? AND day BETWEEN ? AND ?')
    .raw(true);
  const distinct = (site: string, fromDay: number, toDay: number) => distinctVisitors(links.all(site, fromDay, toDay) as DayLinkRow[], fromDay);
  // One read transaction, so the three reads see the same moment of ingest.
  const read = db.transaction((site: string, fromDay: number, toDay: number) => ({
    cohorts: cohorts.all(site, fromDay, toDay),
    counts: counts.all(site, fromDay, toDay),
    ...distinct(site, fromDay, toDay),
  }));
  return async (site, fromDay, toDay) => {
    // Every acknowledged batch is counted before the report is read.
    await settleFold(db);
    return read(site, fromDay, toDay);
  };
}
