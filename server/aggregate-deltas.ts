/**
 * Daily aggregate rows changed by one batch, summed in memory and written once per
 * row when the batch ends: a batch from one browser touches a handful of rows many
 * times, and one upsert per row is what keeps ingest fast.
 */
import type { Db } from './database';
import { createVisitorDays } from './visitor-days';

/** A `cohort_daily` row's key: site, day, kind, subject, arm, group, label. */
export type CohortKey = [site: string, day: number, kind: string, subject: string, arm: string, grp: string, label: string];

/** What a change adds to a cohort row (absent fields add nothing). */
export interface CohortFigures {
  visitors?: number;
  impressions?: number;
  converters?: number;
  conversions?: number;
  value?: number;
  valueSquares?: number;
}

/** The rows a batch changes. */
export interface DailyDeltas {
  cohort(key: CohortKey, figures: CohortFigures): void;
  count(site: string, day: number, metric: string, a: string, b: string, count: number, value: number): void;
  /** `visitor` was active on `day` (and placed an order, when `ordered`). */
  visitorDay(site: string, day: number, visitor: string, ordered: boolean): void;
  /** Writes every summed change and starts afresh. */
  flush(): void;
  /** Forgets unwritten changes (a batch whose transaction failed). */
  clear(): void;
}

type CohortRow = [...CohortKey, visitors: number, impressions: number, converters: number, conversions: number, value: number, valueSquares: number];
type CountRow = [site: string, day: number, metric: string, a: string, b: string, count: number, value: number];

// NUL cannot occur in a validated id, so joined keys never collide.
const keyOf = (parts: readonly (string | number)[]) => parts.join('\0');

/** Prepares the upserts of the daily tables. */
export function createDailyDeltas(db: Db): DailyDeltas {
  const upsertCohort = db.prepare<CohortRow>(
    `INSERT INTO cohort_daily (site, day, kind, subject, arm, grp, label, visitors, impressions, converters, conversions, value, value_squares)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (site, day, kind, subject, arm, grp, label) DO UPDATE SET
       visitors = visitors + excluded.visitors, impressions = impressions + excluded.impressions,
       converters = converters + excluded.converters, conversions = conversions + excluded.conversions,
       value = value + excluded.value, value_squares = value_squares + excluded.value_squares`,
  );
  const upsertCount = db.prepare<CountRow>(
    `INSERT INTO daily_counts (site, day, metric, a, b, count, value) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (site, day, metric, a, b) DO UPDATE SET count = count + excluded.count, value = value + excluded.value`,
  );
  const days = createVisitorDays(db);
  let cohorts = new Map<string, CohortRow>();
  let counts = new Map<string, CountRow>();

  return {
    cohort(key, f) {
      const id = keyOf(key);
      let row = cohorts.get(id);
      if (!row) cohorts.set(id, (row = [...key, 0, 0, 0, 0, 0, 0]));
      row[7] += f.visitors ?? 0;
      row[8] += f.impressions ?? 0;
      row[9] += f.converters ?? 0;
      row[10] += f.conversions ?? 0;
      row[11] += f.value ?? 0;
      row[12] += f.valueSquares ?? 0;
    },
    count(site, day, metric, a, b, count, value) {
      const id = keyOf([site, day, metric, a, b]);
      const row = counts.get(id);
      if (row) {
        row[5] += count;
        row[6] += value;
      } else counts.set(id, [site, day, metric, a, b, count, value]);
    },
    visitorDay(site, day, visitor, ordered) {
      days.add(site, visitor, 'active', day);
      if (ordered) days.add(site, visitor, 'ordered', day);
    },
    flush() {
      for (const row of cohorts.values()) upsertCohort.run(...row);
      for (const row of counts.values()) upsertCount.run(...row);
      days.flush();
      this.clear();
    },
    clear() {
      cohorts = new Map();
      counts = new Map();
      days.clear();
    },
  };
}
