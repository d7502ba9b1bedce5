// @vitest-environment node
import { afterEach, describe, expect, it } from 'vitest';
import { validateCatalog } from '../../src/recommend/catalog';
import { popular, trending } from '../../src/recommend/popular';
import { batchOf, startTestCollector, trackEvent, type TestCollector } from './helpers';

let c: TestCollector;
afterEach(() => c.stop());

const DAY = 864e5;
const LATEST = Date.UTC(2024, 4, 31, 12);
const iso = (time: number) => new Date(time).toISOString();
const view = (visitor: string, product: string, daysAgo: number) =>
  trackEvent('Product Viewed', { product_id: product }, { anonymousId: visitor, timestamp: iso(LATEST - daysAgo * DAY) });
const order = (visitor: string, products: string[], daysAgo: number) =>
  trackEvent('Order Completed', { order_id: `o-${visitor}`, products: products.map((id) => ({ product_id: id, price: 10, quantity: 1 })) }, {
    anonymousId: visitor,
    timestamp: iso(LATEST - daysAgo * DAY),
  });

// A month ago the tent was viewed six times; today the mug twice and the stove bought once.
const history = () => [
  ...Array.from({ length: 6 }, (_, i) => view(`old-${i}`, 'tent', 30)),
  view('new-1', 'mug', 0),
  view('new-2', 'mug', 0),
  order('new-3', ['stove'], 0),
];

describe('GET /v1/popular', () => {
  it('serves decayed counts per product: 30-day half-life for counts, 2-day for trending', async () => {
    c = await startTestCollector();
    await c.post(batchOf([...history(), trackEvent('Variant Viewed', { placement: 'hero', variant: 'a' })]), { path: '/v1/batch?site=shop' });
    const res = await fetch(`${c.url}/v1/popular?site=shop`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const body = await res.json();
    expect(body).toEqual({
      site: 'shop',
      asOf: iso(LATEST),
      halfLifeDays: { counts: 30, trending: 2 },
      // 6 views one half-life old weigh 3; a purchase weighs 5, a view 1.
      counts: { mug: 2, stove: 5, tent: 3 },
      // 6 × ½^15 = 0.000183 (4 significant digits).
      trending: { mug: 2, stove: 5, tent: 0.0001831 },
    });
    expect(Object.keys(body.counts)).toEqual(['mug', 'stove', 'tent']);
  });

  it('is what popular() and trending() take, and the two rank differently', async () => {
    c = await startTestCollector();
    await c.post(batchOf(history()));
    const { counts, trending: recent } = await (await fetch(`${c.url}/v1/popular`)).json();
    const { products: catalog } = validateCatalog(['mug', 'tent', 'stove', 'lamp'].map((id) => ({ id, title: id, url: `/p/${id}` })));
    const ids = (list: { id: string }[]) => list.map((p) => p.id);
    expect(ids(popular({ catalog, counts }))).toEqual(['stove', 'tent', 'mug', 'lamp']);
    expect(ids(trending({ catalog, counts, trending: recent }))).toEqual(['stove', 'mug', 'tent', 'lamp']);
  });

  it('answers an unknown site with empty counts and an invalid one with 400', async () => {
    c = await startTestCollector();
    await c.post(batchOf(history()), { path: '/v1/batch?site=shop' });
    expect(await (await fetch(`${c.url}/v1/popular?site=nobody`)).json()).toEqual({
      site: 'nobody',
      asOf: null,
      halfLifeDays: { counts: 30, trending: 2 },
      counts: {},
      trending: {},
    });
    expect((await fetch(`${c.url}/v1/popular?site=%20bad`)).status).toBe(400);
  });

  it('decays from the server’s clock at the latest when a browser’s clock runs ahead', async () => {
    c = await startTestCollector();
    const before = Date.now();
    // A day ahead: within the 48 hours a timestamp may run ahead of the collector's clock.
    const ahead = new Date(before + DAY).toISOString();
    await c.post(batchOf([view('a', 'mug', 0), trackEvent('Product Viewed', { product_id: 'hat' }, { anonymousId: 'skewed', timestamp: ahead })]));
    const body = await (await fetch(`${c.url}/v1/popular`)).json();
    expect(Date.parse(body.asOf)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(body.asOf)).toBeLessThanOrEqual(Date.now());
    // The future view weighs no more than a view made now.
    expect(body.counts.hat).toBe(1);
    expect(body.trending.hat).toBe(1);
  });

  it('serves the cached body with an ETag, HEAD without a body, until new product events arrive', async () => {
    c = await startTestCollector();
    const events = history();
    await c.post(batchOf(events));
    const first = await fetch(`${c.url}/v1/popular`);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^".+"$/);
    expect(first.headers.get('cache-control')).toBe('no-cache');
    const head = await fetch(`${c.url}/v1/popular`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('etag')).toBe(etag);
    expect(await head.text()).toBe('');
    expect((await fetch(`${c.url}/v1/popular`, { headers: { 'If-None-Match': etag } })).status).toBe(304);
    // Events that are not product views or orders leave it, and its ETag, alone.
    await c.post(batchOf([trackEvent('Variant Viewed', { placement: 'hero', variant: 'a' }), trackEvent('Signed Up')]));
    expect((await fetch(`${c.url}/v1/popular`, { headers: { 'If-None-Match': etag } })).status).toBe(304);
    // A resent batch stores nothing and changes nothing.
    const again = await c.post(batchOf(events));
    expect((await again.json()).stored).toBe(0);
    expect((await fetch(`${c.url}/v1/popular`, { headers: { 'If-None-Match': etag } })).status).toBe(304);
    await c.post(batchOf([view('late', 'lamp', 0)]));
    const next = await fetch(`${c.url}/v1/popular`, { headers: { 'If-None-Match': etag } });
    expect(next.status).toBe(200);
    expect(next.headers.get('etag')).not.toBe(etag);
    expect((await next.json()).counts.lamp).toBe(1);
  });

  it('answers browsers from allowed origins only, like the other pulls', async () => {
    c = await startTestCollector({ origins: ['https://shop.example'] });
    const allowed = await fetch(`${c.url}/v1/popular`, { headers: { Origin: 'https://shop.example' } });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(allowed.headers.get('access-control-expose-headers')).toMatch(/ETag/);
    const preflight = await fetch(`${c.url}/v1/popular`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://shop.example', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'if-none-match' },
    });
    expect(preflight.status).toBe(204);
    expect((await fetch(`${c.url}/v1/popular`, { headers: { Origin: 'https://evil.example' } })).status).toBe(403);
    expect((await fetch(`${c.url}/v1/popular`, { method: 'POST' })).status).toBe(405);
  });
});
