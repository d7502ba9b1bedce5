// @vitest-environment node
// Retention with a fixed clock: raw events older than their site's retainDays are
// deleted (with their interactions), in many small transactions; aggregates survive.
import { afterEach, describe, expect, it } from 'vitest';
import { batchOf, startTestCollector, trackEvent, type TestCollector } from './helpers';
import { aggregates } from './erasure-fixtures';

let c: TestCollector | undefined;
afterEach(async () => {
  await c?.stop();
  c = undefined;
});

const DAY = 86_400_000;
const T0 = Date.UTC(2025, 0, 10, 12);
const KEY = 'wk_retention_test_key_000000';
const auth = { Authorization: `Basic ${Buffer.from(`${KEY}:`).toString('base64')}` };
const SITES = { sites: { short: { writeKeys: [KEY], retainDays: 30 }, long: { writeKeys: [KEY], retainDays: 400 }, forever: { writeKeys: [KEY], retainDays: null } } };

const views = (count: number, at: number, visitor: string) =>
  Array.from({ length: count }, (_, i) =>
    trackEvent('Product Viewed', { product_id: `p${i % 7}` }, { anonymousId: `${visitor}-${i % 50}`, timestamp: new Date(at + i).toISOString() }),
  );

describe('retention', { timeout: 60_000 }, () => {
  it('deletes each site’s raw events past its retainDays, with their interactions, and keeps the aggregates', async () => {
    let now = T0;
    c = await startTestCollector({ sites: SITES, clock: () => now, retentionIntervalMs: 0 });
    const post = async (site: string, events: unknown[]) => {
      for (let i = 0; i < events.length; i += 500) {
        expect((await c!.post(batchOf(events.slice(i, i + 500)), { path: `/v1/batch?site=${site}`, headers: auth })).status).toBe(200);
      }
    };
    // 2,500 old events for `short`: more than one transaction's worth.
    await post('short', views(2500, T0 - DAY, 'old'));
    await post('long', views(300, T0 - DAY, 'old'));
    await post('forever', views(300, T0 - DAY, 'old'));
    expect(await c.sweepRetention()).toEqual({ events: 0, interactions: 0 });

    now = T0 + 31 * DAY;
    await post('short', views(200, now - 1000, 'new'));
    // A read settles the fold: everything stored is in the aggregates before they are summed.
    await fetch(`${c.url}/v1/stats?site=short`);
    // Co-occurrence and popularity are kept apart from the raw interactions: the pulls do not change.
    const pulls = () => Promise.all(['/v1/cooccurrence', '/v1/popular'].map(async (path) => (await fetch(`${c!.url}${path}?site=short`)).text()));
    const served = await pulls();
    // After the pull, whose refresh of the changed lists writes co-occurrence's tables.
    const sums = aggregates(c.dbFile);
    expect(JSON.parse(served[0]).p0.viewed.length).toBeGreaterThan(0);
    expect(await c.sweepRetention()).toEqual({ events: 2500, interactions: 2500 });
    expect(await pulls()).toEqual(served);
    expect(c.count('events', "site = 'short'")).toBe(200);
    expect(c.count('events', "site = 'short' AND anonymous_id LIKE 'old-%'")).toBe(0);
    expect(c.count('interactions', "site = 'short'")).toBe(200);
    expect(c.count('events', "site IN ('long', 'forever')")).toBe(600);
    expect(aggregates(c.dbFile)).toBe(sums);
    expect(c.count('day_links', "site = 'short'")).toBeGreaterThan(0);

    now = T0 + 402 * DAY;
    expect(await c.sweepRetention()).toEqual({ events: 500, interactions: 500 });
    expect(c.count('events', "site = 'long'")).toBe(0);
    expect(c.count('events', "site = 'forever'")).toBe(300);
    expect(c.count('interactions', "site = 'forever'")).toBe(300);
    // Ingest goes on as before.
    await post('short', views(10, now, 'later'));
    expect(c.count('events', "site = 'short'")).toBe(10);
  });

  it('lets ingest write while it sweeps', async () => {
    let now = T0;
    c = await startTestCollector({ sites: SITES, clock: () => now, retentionIntervalMs: 0 });
    for (let i = 0; i < 6; i++) {
      await c.post(batchOf(views(500, T0 - DAY + i * 1000, `v${i}`)), { path: '/v1/batch?site=short', headers: auth });
    }
    now = T0 + 31 * DAY;
    // A batch sent while the sweep runs is stored: the sweep takes the write lock one small transaction at a time.
    const [swept, answer] = await Promise.all([c.sweepRetention(), c.post(batchOf(views(1, now, 'during')), { path: '/v1/batch?site=short', headers: auth })]);
    const status = answer.status;
    expect(status).toBe(200);
    expect(swept.events).toBe(3000);
    expect(c.count('events', "site = 'short'")).toBe(1);
  });
});
