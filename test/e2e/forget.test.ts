// forget() in a real Chromium against the real collector: the page's visitor's rows
// leave the collector's database (events, interactions, the report's per-visitor
// rows), another visitor's stay, and the new anonymous id starts clean.
import { expect, it } from 'vitest';
import { attuneReady, describeE2E, firstPage, pointDemoAt, setupE2E } from './browser';
import { useCollector } from './collector';
import { rowsOf as rowsOfSite } from '../server/erasure-fixtures';

// The visitor's rows in every table that names one (the erasure tests' shared list), on the demo's site.
const rowsOf = (dbFile: string, visitor: string) => rowsOfSite(dbFile, 'demo', visitor);

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
