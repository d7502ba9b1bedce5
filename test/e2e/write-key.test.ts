// The script tag's data-write-key against a collector with a sites file, in a real
// Chromium: the demo page's key (scripts/demo-sites.mjs) gets its events stored; the
// same page against a collector that knows another key for the site stores nothing.
import { expect, it } from 'vitest';
import { DEMO_WRITE_KEY, demoSites } from '../../scripts/demo-sites.mjs';
import { attuneReady, describeE2E, firstPage, pointDemoAt, setupE2E } from './browser';
import { storedRows, useCollector } from './collector';

describeE2E('data-write-key', () => {
  const e2e = setupE2E();
  const collector = useCollector();

  const visit = async (url: string) => {
    const { page, pageErrors } = await firstPage(await pointDemoAt(await e2e.launch(), url));
    await page.goto(e2e.url('/index.html'));
    await attuneReady(page);
    expect(await page.evaluate(() => document.querySelector('script[data-site]')?.getAttribute('data-write-key'))).toBe(DEMO_WRITE_KEY);
    await page.evaluate(() => window.Attune.flush());
    // Sent, or refused and dropped: either way the outbox empties.
    await expect.poll(() => page.evaluate(() => window.Attune.outboxSize()), { timeout: 20_000 }).toBe(0);
    expect(pageErrors).toEqual([]);
  };

  it("stores the page's events with the demo's key", async () => {
    const server = await collector([], { sites: demoSites(new URL(e2e.url()).origin) });
    await visit(server.url);
    const events = storedRows(server.dbFile, 'demo').map((row) => row.event);
    expect(events).toContain('Variant Viewed');
    expect(events.length).toBeGreaterThan(1);
  });

  it('stores nothing when the key is not one of the site', async () => {
    const sites = demoSites(new URL(e2e.url()).origin);
    sites.sites.demo.writeKeys = ['wk_another_key_0123456789'];
    const server = await collector([], { sites });
    await visit(server.url);
    expect(storedRows(server.dbFile, 'demo')).toEqual([]);
  });
});
