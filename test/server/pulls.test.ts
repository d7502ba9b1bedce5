// @vitest-environment node
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { batchOf, startTestCollector, trackEvent, type TestCollector } from './helpers';

let c: TestCollector;
afterEach(() => c.stop());

// Each call is another visitor unless one is given: one visitor's impressions within a
// minute, and its repeated conversions, count once (server/exposure-rules.ts).
let visitors = 0;
const viewed = (placement: string, variant: string, segment?: string, visitor = `v${++visitors}`) =>
  trackEvent('Variant Viewed', { placement, variant, reason: 'bandit', ...(segment ? { segment } : {}) }, { anonymousId: visitor });
const converted = (placement: string, variant: string, segment?: string, visitor = `v${visitors}`) =>
  trackEvent('Variant Converted', { placement, variant, goal: 'order', ...(segment ? { segment } : {}) }, { anonymousId: visitor });
const times = <T>(n: number, make: () => T) => Array.from({ length: n }, make);
const seenAndConverted = (n: number, placement: string, variant: string, segment?: string) =>
  Array.from({ length: n }, () => [viewed(placement, variant, segment), converted(placement, variant, segment)]).flat();

describe('GET /v1/stats', () => {
  it('counts impressions and conversions per placement, variant and segment, with 95 % intervals', async () => {
    c = await startTestCollector();
    const events = [
      ...seenAndConverted(3, 'hero', 'a'),
      ...times(7, () => viewed('hero', 'a')),
      ...times(5, () => viewed('hero', 'b')),
      ...seenAndConverted(2, 'hero', 'b', 'returning'),
      ...times(2, () => viewed('hero', 'b', 'returning')),
      trackEvent('Product Viewed', { product_id: 'p1' }),
    ];
    await c.post(batchOf(events), { path: '/v1/batch?site=shop-1' });
    await c.post(batchOf([viewed('hero', 'a')]), { path: '/v1/batch?site=other' });
    // Resending changes nothing: the aggregates are as exactly-once as the events.
    await c.post(batchOf(events), { path: '/v1/batch?site=shop-1' });

    const res = await fetch(`${c.url}/v1/stats?site=shop-1`);
    expect(res.status).toBe(200);
    // Interval ends: SciPy's beta.ppf(0.025 / 0.975, 1 + c, 1 + n − c), to 6 digits.
    expect(await res.json()).toEqual({
      site: 'shop-1',
      level: 0.95,
      variants: [
        { placement: 'hero', variant: 'a', segment: null, impressions: 10, conversions: 3, rate: 0.3, interval: [0.109263, 0.609743] },
        { placement: 'hero', variant: 'b', segment: null, impressions: 5, conversions: 0, rate: 0, interval: [0.00421074, 0.459258] },
        { placement: 'hero', variant: 'b', segment: 'returning', impressions: 4, conversions: 2, rate: 0.5, interval: [0.146633, 0.853367] },
      ],
    });
  });

  it('caps conversions at impressions for the rate and interval, and reports the raw counts', async () => {
    c = await startTestCollector();
    // Seen in one segment, converted in another (a segment entered in between): the
    // second segment's row has a conversion and no impression.
    await c.post(batchOf([viewed('p', 'v', 'a', 'x'), viewed('p', 'v', 'b', 'y'), converted('p', 'v', 'b', 'x'), converted('p', 'v', 'b', 'y')]));
    const { variants } = await (await fetch(`${c.url}/v1/stats`)).json();
    expect(variants).toEqual([
      { placement: 'p', variant: 'v', segment: 'a', impressions: 1, conversions: 0, rate: 0, interval: [0.0125791, 0.841886] },
      { placement: 'p', variant: 'v', segment: 'b', impressions: 1, conversions: 2, rate: 1, interval: [0.158114, 0.987421] },
    ]);
  });

  it('answers an unknown site with no variants, an invalid one with 400, and revalidates by ETag', async () => {
    c = await startTestCollector();
    expect(await (await fetch(`${c.url}/v1/stats?site=nobody`)).json()).toEqual({ site: 'nobody', level: 0.95, variants: [] });
    expect((await fetch(`${c.url}/v1/stats?site=%20bad`)).status).toBe(400);
    const first = await fetch(`${c.url}/v1/stats?site=s`);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^".+"$/);
    expect((await fetch(`${c.url}/v1/stats?site=s`, { headers: { 'If-None-Match': etag } })).status).toBe(304);
    await c.post(batchOf([viewed('p', 'v')]), { path: '/v1/batch?site=s' });
    const changed = await fetch(`${c.url}/v1/stats?site=s`, { headers: { 'If-None-Match': etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
  });
});

describe('GET /v1/cooccurrence', () => {
  const view = (visitor: string, product: string, minute: number) =>
    trackEvent('Product Viewed', { product_id: product }, { anonymousId: visitor, timestamp: new Date(Date.UTC(2024, 4, 1, 10, minute)).toISOString() });
  const order = (visitor: string, orderId: string | undefined, products: (string | number)[]) =>
    trackEvent('Order Completed', { ...(orderId ? { order_id: orderId } : {}), products: products.map((id) => ({ product_id: id, price: 10, quantity: 1 })) }, { anonymousId: visitor });

  const scores = (table: Record<string, { viewed: [string, number][]; bought: [string, number][] }>) =>
    Object.values(table).flatMap(({ viewed, bought }) => [...viewed, ...bought].map(([, score]) => score));

  it('returns co-view neighbours per session and co-purchase neighbours per order, scored by cosine with proximity', async () => {
    c = await startTestCollector();
    await c.post(
      batchOf([
        view('ann', 'shoe', 0),
        view('ann', 'sock', 5),
        view('ann', 'hat', 50), // 45 minutes later: a new session
        view('bob', 'shoe', 0),
        view('bob', 'sock', 1),
        view('bob', 'lace', 2),
        order('ann', 'o1', ['shoe', 'sock']),
        order('bob', 'o2', ['shoe', 'sock', 42]),
        order('cy', undefined, ['hat', 'scarf']),
        trackEvent('Variant Viewed', { placement: 'hero', variant: 'a' }),
        // Accepted, but without a product_id it references no product.
        trackEvent('Product Viewed', { sku: 'no-id' }, { anonymousId: 'ann' }),
      ]),
      { path: '/v1/batch?site=shop' },
    );
    const res = await fetch(`${c.url}/v1/cooccurrence?site=shop`);
    expect(res.status).toBe(200);
    // Sessions {shoe, sock} {hat} {shoe, sock, lace}; orders {shoe, sock} {shoe, sock, 42} {hat, scarf}.
    // A pair's score is Σ 0.9^(distance − 1) over shared baskets / (√(nᵢ·nⱼ) + 5), to 4 digits:
    // shoe–sock 2 / (2 + 5); next to each other 1 / (√2 + 5); two apart 0.9 / (√2 + 5); hat–scarf 1 / (1 + 5).
    const table = await res.json();
    expect(table).toEqual({
      '42': { viewed: [], bought: [['sock', 0.1559], ['shoe', 0.1403]] },
      hat: { viewed: [], bought: [['scarf', 0.1667]] },
      lace: { viewed: [['sock', 0.1559], ['shoe', 0.1403]], bought: [] },
      scarf: { viewed: [], bought: [['hat', 0.1667]] },
      shoe: { viewed: [['sock', 0.2857], ['lace', 0.1403]], bought: [['sock', 0.2857], ['42', 0.1403]] },
      sock: { viewed: [['shoe', 0.2857], ['lace', 0.1559]], bought: [['shoe', 0.2857], ['42', 0.1559]] },
    });
    // Lace was viewed right after the sock and two after the shoe: with raw counts the two
    // tied (and the shoe came first by id); proximity puts the sock first.
    for (const score of scores(table)) expect(score > 0 && score <= 1).toBe(true);
    expect(await (await fetch(`${c.url}/v1/cooccurrence?site=elsewhere`)).json()).toEqual({});
  });

  it('ranks a pair seen in many baskets above one seen once by chance, and keeps 20 neighbours per list', async () => {
    c = await startTestCollector();
    const orders = [
      ...Array.from({ length: 6 }, (_, i) => order(`v${i}`, `pair-${i}`, ['tent', 'peg'])),
      // One basket holding the tent and 24 other products, each bought once.
      order('big', 'haul', ['tent', ...Array.from({ length: 24 }, (_, i) => `item-${String(i).padStart(2, '0')}`)]),
    ];
    await c.post(batchOf(orders));
    const table = await (await fetch(`${c.url}/v1/cooccurrence`)).json();
    const tent: [string, number][] = table.tent.bought;
    expect(tent).toHaveLength(20);
    expect(tent[0][0]).toBe('peg');
    // 6 shared orders of 7 and 6: 6 / (√42 + 5) ≈ 0.52, against at most 1 / (√7 + 5) ≈ 0.13 for the rest.
    expect(tent[0][1]).toBeCloseTo(6 / (Math.sqrt(42) + 5), 3);
    expect(tent.slice(1).every(([, score]) => score < 0.14)).toBe(true);
    expect(table['item-00'].bought).toHaveLength(20);
    for (const score of scores(table)) expect(score > 0 && score <= 1).toBe(true);
  });

  it('serves the cached table with an ETag until new product events arrive', async () => {
    c = await startTestCollector();
    await c.post(batchOf([order('a', 'o1', ['x', 'y'])]));
    const first = await fetch(`${c.url}/v1/cooccurrence`);
    const etag = first.headers.get('etag')!;
    expect((await first.json()).x.bought).toEqual([['y', 0.1667]]);
    expect((await fetch(`${c.url}/v1/cooccurrence`, { headers: { 'If-None-Match': etag } })).status).toBe(304);
    // Other events leave the table, and its ETag, alone.
    await c.post(batchOf([viewed('p', 'v')]));
    expect((await fetch(`${c.url}/v1/cooccurrence`, { headers: { 'If-None-Match': etag } })).status).toBe(304);
    await c.post(batchOf([order('b', 'o2', ['x', 'z'])]));
    const next = await fetch(`${c.url}/v1/cooccurrence`, { headers: { 'If-None-Match': etag } });
    expect(next.status).toBe(200);
    // x is now in two orders, so each pair's score falls to 1 / (√2 + 5); ties by id.
    expect((await next.json()).x.bought).toEqual([['y', 0.1559], ['z', 0.1559]]);
  });
});

describe('GET /v1/config', () => {
  it('serves one site’s config from a { sites } file, with ETag and 304', async () => {
    const hero = { placements: [{ id: 'hero', variants: [{ id: 'a' }, { id: 'b' }] }] };
    c = await startTestCollector({ config: { sites: { 'shop-1': hero, 'shop-2': { placements: [] } } } });
    const res = await fetch(`${c.url}/v1/config?site=shop-1`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(hero);
    const etag = res.headers.get('etag')!;
    const again = await fetch(`${c.url}/v1/config?site=shop-1`, { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect((await fetch(`${c.url}/v1/config?site=shop-1`, { headers: { 'If-None-Match': `W/${etag}, "other"` } })).status).toBe(304);
    const other = await fetch(`${c.url}/v1/config?site=shop-2`, { headers: { 'If-None-Match': etag } });
    expect(other.status).toBe(200);
    expect((await fetch(`${c.url}/v1/config?site=shop-3`)).status).toBe(404);
  });

  it('serves a file without "sites" to every site, and picks up edits', async () => {
    c = await startTestCollector({ config: { placements: [] } });
    const first = await fetch(`${c.url}/v1/config?site=anything`);
    expect(await first.json()).toEqual({ placements: [] });
    const etag = first.headers.get('etag')!;
    await writeFile(join(c.dir, 'site-config.json'), JSON.stringify({ placements: [{ id: 'new', variants: [{ id: 'a' }] }] }));
    const edited = await fetch(`${c.url}/v1/config?site=anything`, { headers: { 'If-None-Match': etag } });
    expect(edited.status).toBe(200);
    expect(await edited.json()).toEqual({ placements: [{ id: 'new', variants: [{ id: 'a' }] }] });
  });

  it('keeps serving the last good config when an edit breaks the JSON, and says so', async () => {
    const logged: string[] = [];
    c = await startTestCollector({ config: { placements: [], holdout: 0.1 }, log: (m) => logged.push(m) });
    await fetch(`${c.url}/v1/config`);
    await writeFile(join(c.dir, 'site-config.json'), '{ "placements": [], "holdout": 0.2, ');
    expect(await (await fetch(`${c.url}/v1/config`)).json()).toEqual({ placements: [], holdout: 0.1 });
    expect(await (await fetch(`${c.url}/v1/config`)).json()).toEqual({ placements: [], holdout: 0.1 });
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/not reloaded/);
  });

  it('answers 404 when started without a config file', async () => {
    c = await startTestCollector();
    const res = await fetch(`${c.url}/v1/config?site=shop-1`);
    expect(res.status).toBe(404);
    expect((await res.json()).error).toMatch(/--config/);
  });
});
