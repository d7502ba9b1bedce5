// Recommendation rows in the demo shop, in a real Chromium against the real collector:
// browsing changes "recently viewed" and "for you", and a product page shows what the
// collector learned is bought together with it.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { attuneReady, describeE2E, firstPage, flush, pointDemoAt, setupE2E } from './browser';

const COLLECTOR = join(__dirname, '../../dist/collector.mjs');

const cards = (page: Page, strategy: string) =>
  page.locator(`[data-attune-recs="${strategy}"] [data-attune-card]`).evaluateAll((els) => els.map((el) => el.getAttribute('data-attune-card')));

describeE2E('recommendation rows', () => {
  const e2e = setupE2E();
  let collector: { url: string; close(): Promise<void> };
  let tmp = '';
  let dbFile = '';

  beforeAll(async () => {
    if (!existsSync(COLLECTOR)) throw new Error(`${COLLECTOR} missing: run \`npm run build\` first.`);
    const { startCollector } = (await import(pathToFileURL(COLLECTOR).href)) as typeof import('../../server');
    tmp = await mkdtemp(join(tmpdir(), 'attune-recs-e2e-'));
    dbFile = join(tmp, 'c.sqlite');
    collector = await startCollector({ port: 0, host: '127.0.0.1', db: dbFile, origins: [new URL(e2e.url()).origin], log: () => undefined });
    // Other shoppers' orders: the day pack goes with the rain shell, again and again.
    const at = Date.now() - 864e5;
    const batch = Array.from({ length: 12 }, (_, i) => ({
      type: 'track',
      event: 'Order Completed',
      properties: { order_id: `o${i}`, products: [{ product_id: 'rain-shell', price: 139 }, { product_id: i % 3 ? 'day-pack' : 'wool-beanie', price: 59 }] },
      anonymousId: `shopper-${i}`,
      messageId: `seed-order-${i}`,
      timestamp: new Date(at + i * 6e4).toISOString(),
      context: { library: { name: 'attune', version: '0' } },
    }));
    const response = await fetch(`${collector.url}/v1/batch?site=demo`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ batch }) });
    expect(response.ok).toBe(true);
  });

  afterAll(async () => {
    await collector?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  /** A browser whose demo pages talk to this test's collector. */
  const launch = async (): Promise<BrowserContext> => pointDemoAt(await e2e.launch(), collector.url);

  it('changes "recently viewed" and "for you" as the visitor browses', async () => {
    const { page, pageErrors } = await firstPage(await launch());
    await page.goto(e2e.url('/index.html'));
    await attuneReady(page);
    await expect.poll(() => cards(page, 'for-you')).toHaveLength(4);
    const before = await cards(page, 'for-you');
    // Nothing viewed yet: the footer row stays hidden.
    expect(await page.locator('footer [data-attune-recs="recently-viewed"]').isHidden()).toBe(true);

    for (const id of ['trail-runner', 'hiking-boot', 'trail-socks']) {
      await page.goto(e2e.url(`/product.html?id=${id}`));
      await attuneReady(page);
      await page.waitForFunction((viewed) => window.Attune.profile().recentlyViewed[0] === viewed, id);
      await flush(page);
    }
    await page.goto(e2e.url('/index.html'));
    await attuneReady(page);
    await expect.poll(() => cards(page, 'recently-viewed')).toEqual(['trail-socks', 'hiking-boot', 'trail-runner']);
    const after = await cards(page, 'for-you');
    expect(after).toHaveLength(4);
    expect(after).not.toEqual(before);
    // What was just viewed is not recommended back.
    expect(after.some((id) => ['trail-socks', 'hiking-boot', 'trail-runner'].includes(id!))).toBe(false);
    expect(pageErrors).toEqual([]);
  });

  it('shows on a product page what the collector says is bought together with it, and records the row and clicks', async () => {
    const { page, pageErrors } = await firstPage(await launch());
    await page.goto(e2e.url('/product.html?id=rain-shell'));
    await attuneReady(page);
    await expect.poll(() => cards(page, 'bought-together')).toContain('day-pack');
    const row = await cards(page, 'bought-together');
    // Ranked by the collector's co-purchases (catalog order alone would not put it first).
    expect(row[0]).toBe('day-pack');
    expect(row).not.toContain('rain-shell');
    // Card text is the catalog's, as text.
    expect(await page.locator('[data-attune-recs="bought-together"] [data-attune-card="day-pack"] .attune-recs__title').textContent()).toBe('Day Pack 22 L');

    await page.locator('[data-attune-recs="bought-together"]').scrollIntoViewIfNeeded();
    await expect
      .poll(async () => (await page.evaluate(() => window.Attune.export()))!.events.some((e) => e.event === 'Product List Viewed' && e.properties?.list_id === 'bought-together'))
      .toBe(true);
    await page.locator('[data-attune-recs="bought-together"] [data-attune-card="day-pack"] a').click();
    await page.waitForURL(/id=day-pack/);
    await attuneReady(page);
    await flush(page);
    // The click is recorded as the page is left: the collector gets it (beaconed at pagehide, or
    // sent from the outbox by the next page), exactly once.
    const clicked = () => {
      const db = new Database(dbFile, { readonly: true });
      try {
        return (db.prepare("SELECT payload FROM events WHERE site = 'demo' AND event = 'Product Clicked'").all() as { payload: string }[]).map(
          (row) => JSON.parse(row.payload).properties,
        );
      } finally {
        db.close();
      }
    };
    await expect.poll(clicked, { timeout: 15_000 }).toHaveLength(1);
    expect(clicked()[0]).toMatchObject({ list_id: 'bought-together', product_id: 'day-pack', position: row.indexOf('day-pack') + 1 });
    expect(pageErrors).toEqual([]);
  });
});
