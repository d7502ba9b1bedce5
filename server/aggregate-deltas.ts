/**
 * Daily aggregate rows changed by one fold, summed in memory and written once per row
 * when the fold ends: a fold touches a handful of shared rows (a variant's day, the
 * site's counts) many times, and one upsert per row is what keeps it cheap. Pure: the
 * sums are the fold's output, written by aggregate-write.ts.
 */

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

/** A `cohort_daily` delta: its key, then what it adds to visitors, impressions, converters, conversions, value, value_squares. */
export type CohortRow = [...CohortKey, visitors: number, impressions: number, converters: number, conversions: number, value: number, valueSquares: number];
/** A `daily_counts` delta. */
export type CountRow = [site: string, day: number, metric: string, a: string, b: string, count: number, value: number];
/** A `variant_stats` bump: impressions and conversions added. */
export type VariantRow = [site: string, placement: string, variant: string, segment: string, impressions: number, conversions: number];

/** The daily rows a fold changes, summed per row in the order the changes came. */
export interface DailyDeltas {
  cohort(key: CohortKey, figures: CohortFigures): void;
  count(site: string, day: number, metric: string, a: string, b: string, count: number, value: number): void;
  variant(site: string, placement: string, variant: string, segment: string, impressions: number, conversions: number): void;
  /** The summed rows, one per key, in the order each key was first changed. */
  rows(): { cohortDaily: CohortRow[]; dailyCounts: CountRow[]; variantStats: VariantRow[] };
}

// NUL cannot occur in a validated id, so joined keys never collide. (Template strings:
// Array#join was a tenth of the fold's time.)

/** Starts empty sums of daily rows. */
export function createDailyDeltas(): DailyDeltas {
  const cohorts = new Map<string, CohortRow>();
  const counts = new Map<string, CountRow>();
  const variants = new Map<string, VariantRow>();
  return {
    cohort(key, f) {
      const id = `${key[0]}\0${key[1]}\0${key[2]}\0${key[3]}\0${key[4]}\0${key[5]}\0${key[6]}`;
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
      const id = `${site}\0${day}\0${metric}\0${a}\0${b}`;
      const row = counts.get(id);
      if (row) {
        row[5] += count;
        row[6] += value;
      } else counts.set(id, [site, day, metric, a, b, count, value]);
    },
    variant(site, placement, variant, segment, impressions, conversions) {
      const id = `${site}\0${placement}\0${variant}\0${segment}`;
      const row = variants.get(id);
      if (row) {
        row[4] += impressions;
        row[5] += conversions;
      } else variants.set(id, [site, placement, variant, segment, impressions, conversions]);
    },
    rows: () => ({ cohortDaily: [...cohorts.values()], dailyCounts: [...counts.values()], variantStats: [...variants.values()] }),
  };
}
