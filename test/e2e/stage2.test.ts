// The split tag (issue 15): an event recorded before the second stage runs is already in
// the outbox, and reaches the real collector exactly once, at the latest from the next
// page view. Here the second stage never arrives on the first page (its URL is blocked);
// the visitor leaves, comes back, and the event arrives once, with the time zone the
// first page could not resolve before its first paint.
import { expect, it } from 'vitest';
import { attuneReady, describeE2E, firstPage, setupE2E } from './browser';
import { storedRows, useCollector } from './collector';

const SITE = 'split';
const STAGE2 = '**/attune.stage2.min.js';

describeE2E('events recorded before the second stage', () => {
  const e2e = setupE2E();
  const startCollector = useCollector();

  it('are sent once, from the next page, when the visitor leaves before the second stage loads', async () => {
    const collector = await startCollector([new URL(e2e.url()).origin]);
    const context = await e2e.launch();
    const requested: string[] = [];
    await context.route(STAGE2, (route) => (requested.push(route.request().url()), route.abort()));
    const { page, pageErrors } = await firstPage(context);
    const url = e2e.url(`/sync.html?site=${SITE}&nocapture=webVitals&endpoint=${encodeURIComponent(collector.url)}`);
    await page.goto(url);
    await attuneReady(page);
    // The fixture notes each committed event in sessionStorage, as it is committed.
    const messageId = await page.evaluate(() => {
      window.Attune.track('Before Stage 2', { n: 1 });
      return (JSON.parse(sessionStorage.getItem('attune-seen')!) as string[][]).at(-1)![0];
    });
    // Written to the outbox without the sender (outboxSize reads the outbox itself).
    await expect.poll(() => page.evaluate(() => window.Attune.outboxSize()), { timeout: 5000 }).toBeGreaterThanOrEqual(2);
    // The page's load came and went: the second stage was asked for, and refused.
    await expect.poll(() => requested.length, { timeout: 5000 }).toBeGreaterThan(0);
    await page.goto('about:blank');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(storedRows(collector.dbFile, SITE)).toEqual([]);

    await context.unroute(STAGE2);
    await page.goto(url);
    await attuneReady(page);
    await expect.poll(() => storedRows(collector.dbFile, SITE).filter((row) => row.message_id === messageId).length, { timeout: 20_000, interval: 100 }).toBe(1);
    await expect.poll(() => page.evaluate(() => window.Attune.outboxSize()), { timeout: 20_000 }).toBe(0);
    // Sent once: a third page finds nothing left to send, and the collector holds it once.
    await page.reload();
    await attuneReady(page);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const rows = storedRows(collector.dbFile, SITE);
    expect(rows.filter((row) => row.message_id === messageId)).toHaveLength(1);
    // Both page views of the first visit are there, once each, and every event carries the time zone.
    const first = rows.find((row) => row.message_id === messageId)!;
    const zone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(JSON.parse(first.payload).context.timezone).toBe(zone);
    expect(rows.filter((row) => !JSON.parse(row.payload).context?.timezone)).toEqual([]);
    expect(new Set(rows.map((row) => row.message_id)).size).toBe(rows.length);
    expect(pageErrors).toEqual([]);
  });
});
