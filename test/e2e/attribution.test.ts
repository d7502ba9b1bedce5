// Attribution on every page of the demo shop, in a real Chromium against the real
// collector: the hero is seen on the home page (which carries the site config), the
// visitor adds to cart on a product page (which has none), and one "Variant Converted"
// for the hero reaches the collector, in the same group as the impression.
import { expect, it } from 'vitest';
import { attuneReady, describeE2E, firstPage, pointDemoAt, setupE2E } from './browser';
import type { Report } from '../../server/report-types';
import { storedRows, useCollector } from './collector';

const TOKEN = 'attribution-e2e-token-0123';
const properties = (payload: string) => (JSON.parse(payload) as { properties: Record<string, unknown> }).properties;

describeE2E('a goal on a page without config', () => {
  const e2e = setupE2E();
  const collector = useCollector();

  it('credits the home hero once when the visitor adds to cart on a product page', async () => {
    const server = await collector([new URL(e2e.url()).origin], { adminToken: TOKEN });
    const { page, pageErrors } = await firstPage(await pointDemoAt(await e2e.launch(), server.url));
    await page.goto(e2e.url('/index.html'));
    await attuneReady(page);
    const rows = () => storedRows(server.dbFile, 'demo');
    const viewed = () => rows().filter((row) => row.event === 'Variant Viewed' && properties(row.payload).placement === 'home-hero');
    await page.evaluate(() => window.Attune.flush());
    await expect.poll(() => viewed().length, { timeout: 20_000 }).toBe(1);
    const impression = properties(viewed()[0].payload);

    await page.goto(e2e.url('/product.html?id=trail-runner'));
    await attuneReady(page);
    expect(await page.evaluate(() => window.Attune.decide('home-hero').reason)).toBe('error');
    await page.click('#add-to-cart');
    await page.click('#add-to-cart');
    await page.evaluate(() => window.Attune.flush());
    const converted = () => rows().filter((row) => row.event === 'Variant Converted');
    await expect.poll(() => converted().length, { timeout: 20_000 }).toBe(1);
    // Still one after everything has been sent.
    await expect.poll(() => page.evaluate(() => window.Attune.outboxSize()), { timeout: 20_000 }).toBe(0);
    expect(converted().map((row) => properties(row.payload))).toEqual([
      { placement: 'home-hero', variant: impression.variant, reason: impression.reason, segment: impression.segment, group: impression.group, goal: 'Product Added' },
    ]);
    // The report counts one exposed visitor who converted, in the impression's group.
    const response = await fetch(`${server.url}/v1/report?site=demo`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    const report = (await response.json()) as Report;
    const hero = report.placements.find((p) => p.placement === 'home-hero')!;
    const figures = impression.group === 'holdout' ? hero.holdout! : hero.variants.find((v) => v.variant === impression.variant)!;
    expect(figures).toMatchObject({ visitors: 1, impressions: 1, converters: 1, conversions: 1 });
    expect(pageErrors).toEqual([]);
  });
});
