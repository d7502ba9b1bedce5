// Pulled statistics in a real Chromium against the real collector: fetched once,
// cached in IndexedDB with their ETag, and revalidated with a 304 once stale.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { attuneReady, describeE2E, firstPage, setupE2E } from './browser';

const COLLECTOR = fileURLToPath(new URL('../../dist/collector.mjs', import.meta.url));
const SITE = 'pulls';

describeE2E('pulled statistics', () => {
  const e2e = setupE2E();
  let collector: { url: string; close(): Promise<void> };
  let dir = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'attune-pull-'));
    const { startCollector } = await import(pathToFileURL(COLLECTOR).href);
    collector = await startCollector({ port: 0, db: join(dir, 'collector.sqlite'), origins: [new URL(e2e.url()).origin] });
    // Something to aggregate: a variant seen twice and converted once.
    const event = (id: string, name: string) => ({
      type: 'track',
      event: name,
      messageId: id,
      anonymousId: 'seed',
      timestamp: new Date().toISOString(),
      properties: { placement: 'hero', variant: 'eco', reason: 'bandit', segment: null, goal: 'Order Completed' },
      context: {},
    });
    const response = await fetch(`${collector.url}/v1/batch?site=${SITE}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ batch: [event('s1', 'Variant Viewed'), event('s2', 'Variant Viewed'), event('s3', 'Variant Converted')], sentAt: new Date().toISOString() }),
    });
    expect(response.status).toBe(200);
  });

  afterAll(async () => {
    await collector?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('fetches statistics once, then revalidates the stale copy with its ETag (304)', async () => {
    const { page, pageErrors } = await firstPage(await e2e.launch());
    const statuses: number[] = [];
    page.on('response', (response) => {
      if (response.url().includes('/v1/stats') && response.request().method() === 'GET') statuses.push(response.status());
    });
    await page.goto(e2e.url(`/sync.html?site=${SITE}&nocapture=all&endpoint=${encodeURIComponent(collector.url)}`));
    await attuneReady(page);
    await expect.poll(() => page.evaluate(() => window.Attune.stats()), { timeout: 10_000 }).not.toBeNull();
    const stats = await page.evaluate(() => window.Attune.stats());
    expect(JSON.stringify(stats)).toContain('"eco"');
    expect(statuses).toEqual([200]);

    // A fresh copy needs no request on the next page.
    await page.reload();
    await attuneReady(page);
    await page.waitForTimeout(300);
    expect(statuses).toEqual([200]);
    expect(await page.evaluate(() => window.Attune.stats())).toEqual(stats);

    // Age the cached copy, as if the visitor came back an hour later.
    await page.evaluate(
      (name) =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open(name);
          open.onsuccess = () => {
            const store = open.result.transaction('state', 'readwrite').objectStore('state');
            const get = store.get('pull:stats');
            get.onsuccess = () => {
              store.put({ ...get.result, at: 0 }, 'pull:stats');
              store.transaction.oncomplete = () => (open.result.close(), resolve());
            };
          };
          open.onerror = () => reject(open.error);
        }),
      `attune-${SITE}`,
    );
    await page.reload();
    await attuneReady(page);
    await expect.poll(() => statuses, { timeout: 10_000 }).toEqual([200, 304]);
    expect(await page.evaluate(() => window.Attune.stats())).toEqual(stats);
    expect(pageErrors).toEqual([]);
  });
});
