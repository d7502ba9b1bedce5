// @vitest-environment node
// The scan that finds one visitor's rows without an index by visitor: every window of
// row ids is read, rows stored while it runs are found by `after`, and other requests
// run between windows.
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/database';
import { createVisitorScan, SCAN_WINDOW } from '../../server/erasure/scan';

describe('createVisitorScan', () => {
  it('finds a visitor’s rows across many windows, and those stored after it started', async () => {
    const db = openDatabase(':memory:');
    const insert = db.prepare<[string, string, number]>("INSERT INTO interactions (site, kind, product_id, visitor, time) VALUES (?, 'view', 'p', ?, ?)");
    const total = SCAN_WINDOW * 2 + 123;
    db.transaction(() => {
      for (let i = 1; i <= total; i++) insert.run(i % 2 ? 'shop' : 'other', i % 1000 === 1 ? 'ann' : `v${i}`, i);
    })();
    const scan = createVisitorScan<{ id: number; time: number }>(db, 'interactions', 'time', 'visitor');
    let others = 0;
    const ticking = setInterval(() => others++, 0);
    const found = await scan.rows('shop', ['ann']);
    clearInterval(ticking);
    expect(found.rows.map((r) => r.time)).toEqual(Array.from({ length: 11 }, (_, k) => k * 1000 + 1));
    expect(found.last).toBe(total);
    expect(others).toBeGreaterThan(0);
    insert.run('shop', 'ann', total + 1);
    insert.run('other', 'ann', total + 2);
    expect(scan.after('shop', ['ann'], found.last).map((r) => r.time)).toEqual([total + 1]);
    db.close();
  });
});
