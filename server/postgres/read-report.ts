/**
 * The report's rows on PostgreSQL: the same three index-range reads as SQLite's
 * server/report-store.ts, in one snapshot, rows in the same (primary key) order.
 */
import { distinctVisitors, type CohortRow, type CountRow, type DayLinkRow, type ReadReportRows } from '../report-store';
import { inSnapshot, num, type Pool } from './read-snapshot';

const C = 'COLLATE "C"';
const COHORTS = `SELECT day, kind, subject, arm, grp, label, visitors, impressions, converters, conversions, value, value_squares
  FROM cohort_daily WHERE site = $1 AND day BETWEEN $2 AND $3
  ORDER BY day, kind ${C}, subject ${C}, arm ${C}, grp ${C}, label ${C}`;
const COUNTS = `SELECT day, metric, a, b, count, value FROM daily_counts WHERE site = $1 AND day BETWEEN $2 AND $3
  ORDER BY day, metric ${C}, a ${C}, b ${C}`;
const LINKS = `SELECT kind, day, prev_day, visitors FROM day_links WHERE site = $1 AND day BETWEEN $2 AND $3
  ORDER BY kind ${C}, day, prev_day`;

/**
 * Creates the reader. `settle` runs first (the collector passes the drain of the fold
 * queue, so every acknowledged batch is counted before the report is read).
 */
export function createReportReads(pool: Pool, settle: () => Promise<void> = async () => undefined): ReadReportRows {
  return async (site, fromDay, toDay) => {
    await settle();
    return inSnapshot(pool, async (client) => {
      const values = [site, fromDay, toDay];
      const cohorts = (await client.query({ name: 'attune_report_cohorts', text: COHORTS, values })).rows.map(
        (r): CohortRow => ({
          day: r.day,
          kind: r.kind,
          subject: r.subject,
          arm: r.arm,
          grp: r.grp,
          label: r.label,
          visitors: num(r.visitors),
          impressions: num(r.impressions),
          converters: num(r.converters),
          conversions: num(r.conversions),
          value: r.value,
          value_squares: r.value_squares,
        }),
      );
      const counts = (await client.query({ name: 'attune_report_counts', text: COUNTS, values })).rows.map(
        (r): CountRow => ({ day: r.day, metric: r.metric, a: r.a, b: r.b, count: num(r.count), value: r.value }),
      );
      const links = (await client.query({ name: 'attune_report_links', text: LINKS, values, rowMode: 'array' })).rows.map(
        ([kind, day, prev, visitors]): DayLinkRow => [kind, day, prev, num(visitors)],
      );
      return { cohorts, counts, ...distinctVisitors(links, fromDay) };
    });
  };
}
