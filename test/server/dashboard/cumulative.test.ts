import { describe, expect, it } from 'vitest';
import { cumulativeRates, cumulativeUplift } from '../../../server/dashboard/cumulative';
import { placementDailyTable } from '../../../server/dashboard/tables';
import type { DailyPoint } from '../../../server/report-types';
import { conversionInterval, conversionUplift } from '../../../src/stats';
import { placementFixture } from '../fixtures/report';

const point = (day: string, visitors: number, converters: number): DailyPoint => ({ day, visitors, converters, conversionRate: conversionInterval(converters, visitors) });
const DAYS = ['2024-05-01', '2024-05-02', '2024-05-03'];

describe('running totals of daily cohorts', () => {
  it('the conversion rate so far sums visitors and converters up to each day, empty before the first', () => {
    const rates = cumulativeRates([point('2024-05-02', 100, 10), point('2024-05-03', 300, 10)], DAYS);
    expect(rates[0]).toEqual({ value: null, low: null, high: null });
    expect(rates[1]).toEqual({ value: 0.1, ...pick(conversionInterval(10, 100)) });
    expect(rates[2]).toEqual({ value: 20 / 400, ...pick(conversionInterval(20, 400)) });
  });

  it('the uplift so far pools every variant against the holdout, once the holdout has a conversion', () => {
    const treatment = [[point('2024-05-01', 100, 10), point('2024-05-02', 100, 12)], [point('2024-05-02', 50, 8)]];
    const holdout = [point('2024-05-01', 20, 0), point('2024-05-02', 30, 3)];
    const uplift = cumulativeUplift(treatment, holdout, DAYS);
    expect(uplift[0]).toEqual({ value: null, low: null, high: null });
    const expected = conversionUplift({ visitors: 250, conversions: 30 }, { visitors: 50, conversions: 3 });
    expect(uplift[1]).toEqual({ value: expected.lift, low: expected.low, high: expected.high });
    expect(uplift[1].value).toBeCloseTo(30 / 250 / (3 / 50) - 1, 12);
    expect(uplift[2]).toEqual(uplift[1]);
  });

  it("feed the charts' table, default first, with the uplift last", () => {
    const table = placementDailyTable(placementFixture(), 0);
    expect(table.columns.map((c) => c.label)).toEqual(['Up to day', 'default', 'eco', '<img src=x onerror=alert(1)>', 'holdout', 'Uplift against the holdout']);
    expect(table.rows.map((r) => r[0])).toEqual(DAYS);
  });
});

function pick(r: { low: number; high: number }) {
  return { low: r.low, high: r.high };
}
