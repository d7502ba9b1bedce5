// @vitest-environment node
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/database';
import { createReportReader } from '../../server/report-store';
import { createVisitorDays } from '../../server/visitor-days';

describe('visitor-day chains', () => {
  it('give exact distinct visitors and buyers over any range, whatever order the days arrive in and however they are batched', async () => {
    const visit = fc.record({ visitor: fc.integer({ min: 0, max: 6 }), day: fc.integer({ min: 0, max: 12 }), ordered: fc.boolean(), flush: fc.boolean() });
    const range = fc.tuple(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 12 })).map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const);
    await fc.assert(
      fc.asyncProperty(fc.array(visit, { maxLength: 60 }), fc.array(range, { minLength: 1, maxLength: 5 }), async (visits, ranges) => {
        const db = openDatabase(':memory:');
        try {
          const days = createVisitorDays(db);
          for (const v of visits) {
            days.add('s', `v${v.visitor}`, 'active', v.day);
            if (v.ordered) days.add('s', `v${v.visitor}`, 'ordered', v.day);
            if (v.flush) days.flush();
          }
          days.flush();
          const read = createReportReader(db);
          for (const [from, to] of ranges) {
            const inRange = visits.filter((v) => v.day >= from && v.day <= to);
            const rows = await read('s', from, to);
            expect(rows.visitors).toBe(new Set(inRange.map((v) => v.visitor)).size);
            expect(rows.buyers).toBe(new Set(inRange.filter((v) => v.ordered).map((v) => v.visitor)).size);
            const daily = new Map<number, Set<number>>();
            for (const v of inRange) daily.set(v.day, (daily.get(v.day) ?? new Set()).add(v.visitor));
            expect(rows.dailyVisitors).toEqual([...daily].sort((a, b) => a[0] - b[0]).map(([day, set]) => [day, set.size]));
          }
        } finally {
          db.close();
        }
      }),
      { numRuns: 150 },
    );
  });
});
