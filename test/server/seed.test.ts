// @vitest-environment node
import { afterEach, describe, expect, it } from 'vitest';
import { demoEvents, loadCatalog, seedDemo } from '../../scripts/seed-demo.mjs';
import { startTestCollector, type TestCollector } from './helpers';

let c: TestCollector | undefined;
afterEach(async () => {
  await c?.stop();
  c = undefined;
});

const catalog = loadCatalog();
const shoes = catalog.filter((p) => p.category === 'shoes').map((p) => p.id);

describe('scripts/seed-demo.mjs', () => {
  it('generates the same events, timestamps aside, from the same seed, in the last 30 days', () => {
    const now = Date.UTC(2024, 5, 1);
    const a = demoEvents({ now, visitors: 50 });
    const b = demoEvents({ now: now + 90 * 864e5, visitors: 50 });
    expect(a.events.map((e) => e.messageId)).toEqual(b.events.map((e) => e.messageId));
    expect(a.events.map((e) => e.properties)).toEqual(b.events.map((e) => e.properties));
    expect(new Set(a.events.map((e) => e.messageId)).size).toBe(a.events.length);
    for (const e of a.events) {
      const time = Date.parse(e.timestamp);
      expect(time).toBeLessThanOrEqual(now);
      expect(time).toBeGreaterThan(now - 30 * 864e5);
    }
    const ids = new Set(catalog.map((p) => p.id));
    for (const e of a.events) {
      const products = (e.properties.products as { product_id: string }[] | undefined) ?? [e.properties as { product_id: string }];
      for (const p of products) expect(ids.has(p.product_id)).toBe(true);
    }
  });

  it('stores the same number of events when run twice, and yields bought-together neighbours for a shoe', async () => {
    const collector = (c = await startTestCollector());
    const first = await seedDemo(collector.url, { visitors: 300 });
    expect(first.stored).toBe(first.events);
    expect(first.events).toBeGreaterThan(1000);
    expect(first.orders).toBeGreaterThan(30);
    expect(first.batches).toBe(Math.ceil(first.events / 100));
    const stored = collector.count('events', "site = 'demo'");
    expect(stored).toBe(first.events);

    const second = await seedDemo(collector.url, { visitors: 300 });
    expect(second).toMatchObject({ events: first.events, stored: 0, duplicates: first.events });
    expect(collector.count('events', "site = 'demo'")).toBe(stored);
    expect(collector.count('events', "site != 'demo'")).toBe(0);

    const table = await (await fetch(`${collector.url}/v1/cooccurrence?site=demo`)).json();
    // A trail shoe is bought with socks.
    expect(table['trail-runner'].bought[0][0]).toBe('trail-socks');
    expect(table['hiking-boot'].bought.slice(0, 2).map(([id]: [string]) => id).sort()).toEqual(['rain-shell', 'trail-socks']);
    for (const shoe of shoes) {
      expect(table[shoe].bought.length).toBeGreaterThan(0);
      expect(table[shoe].viewed.length).toBeGreaterThan(0);
    }

    const { counts, trending } = await (await fetch(`${collector.url}/v1/popular?site=demo`)).json();
    expect(Object.keys(counts).sort()).toEqual(catalog.map((p) => p.id).sort());
    // Winter gear gains in the last week, so it leads "trending".
    const top = (scores: Record<string, number>) => Object.keys(scores).sort((x, y) => scores[y] - scores[x]);
    const winter = catalog.filter((p) => p.tags.includes('winter')).map((p) => p.id);
    expect(winter).toContain(top(trending)[0]);
    expect(top(trending)).not.toEqual(top(counts));
  });
});
