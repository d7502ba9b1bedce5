// forget() in a real Chromium against the real collector: the page's visitor's rows
// leave the collector's database (events, interactions, the report's per-visitor
// rows), another visitor's stay, and the new anonymous id starts clean.
import Database from 'better-sqlite3';
import { expect, it } from 'vitest';
import { attuneReady, describeE2E, firstPage, pointDemoAt, setupE2E } from './browser';
import { useCollector } from './collector';

// The tables that name a visitor, and how (server/erasure/schema.ts lists the collector's own).
const PER_VISITOR: Record<string, string> = {
  events: 'anonymous_id = @v OR user_id = @v',
  interactions: 'visitor = @v',
  cohort_members: 'visitor = @v',
  visitor_days: 'visitor = @v',
  row_clicks: 'visitor = @v',
  identity_links: 'id = @v OR user_id = @v',
  trigger_visitors: 'visitor = @v',
  trigger_views: 'visitor = @v',
  trigger_carts: 'visitor = @v',
};

/** Rows per table naming `visitor` on site demo (tables this build lacks are left out). */
function rowsOf(dbFile: string, visitor: string): Record<string, number> {
  const db = new Database(dbFile, { readonly: true });
  try {
    const tables = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name));
    const counts: Record<string, number> = {};
    for (const [table, where] of Object.entries(PER_VISITOR)) {
      if (tables.has(table)) counts[table] = (db.prepare(`SELECT count(*) AS n FROM ${table} WHERE site = 'demo' AND (${where})`).get({ v: visitor }) as { n: number }).n;
    }
    return counts;
  } finally {
    db.close();
  }
}
const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

describeE2E('forget() on the collector', () => {
  const e2e = setupE2E();
  const collector = useCollector();

  it('removes that visitor’s rows from the collector’s database, and nobody else’s', async () => {
    const server = await collector([new URL(e2e.url()).origin]);
    const visit = async () => {
      const { page, pageErrors } = await firstPage(await pointDemoAt(await e2e.launch(), server.url));
      await page.goto(e2e.url('/product.html?id=trail-runner'));
      await attuneReady(page);
      await page.click('#add-to-cart');
      await page.evaluate(() => window.Attune.flush());
      const id = await page.evaluate(async () => (await window.Attune.export())!.anonymousId);
      return { page, pageErrors, id };
    };
    const [a, b] = [await visit(), await visit()];
    // Both histories stored and folded into the per-visitor rows.
    for (const { id } of [a, b]) await expect.poll(() => rowsOf(server.dbFile, id).visitor_days ?? 0, { timeout: 20_000 }).toBeGreaterThan(0);
    // Both outboxes empty (b's add-to-cart may travel in a later batch than its page view),
    // then a read, which folds what was stored into the per-visitor rows before the snapshot.
    for (const { page } of [a, b]) await expect.poll(() => page.evaluate(() => window.Attune.outboxSize()), { timeout: 20_000 }).toBe(0);
    await fetch(`${server.url}/v1/stats?site=demo`);
    const before = { a: rowsOf(server.dbFile, a.id), b: rowsOf(server.dbFile, b.id) };
    expect(before.a.events).toBeGreaterThan(0);
    expect(before.a.interactions).toBeGreaterThan(0);

    await a.page.evaluate(() => window.Attune.forget());
    await expect.poll(() => total(rowsOf(server.dbFile, a.id)), { timeout: 20_000 }).toBe(0);
    expect(rowsOf(server.dbFile, b.id)).toEqual(before.b);
    // The request left the outbox once answered, and the page carries on under a new id.
    await expect.poll(() => a.page.evaluate(() => window.Attune.outboxSize()), { timeout: 20_000 }).toBe(0);
    const fresh = await a.page.evaluate(async () => (await window.Attune.export())!.anonymousId);
    expect(fresh).not.toBe(a.id);
    await a.page.evaluate(() => (window.Attune.track('After Forget'), window.Attune.flush()));
    await expect.poll(() => rowsOf(server.dbFile, fresh).events, { timeout: 20_000 }).toBe(1);
    expect(total(rowsOf(server.dbFile, a.id))).toBe(0);
    expect([...a.pageErrors, ...b.pageErrors]).toEqual([]);
  });
});
