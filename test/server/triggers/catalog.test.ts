// @vitest-environment node
// Back In Stock, Price Drop and New Arrival from catalog pushes (PUT /v1/catalog),
// and the push's own checks: the admin token, the SDK's catalog validation with paths.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningCollector } from '../../../server';
import { collectorFor, DAY, event, fakeClock, MINUTE, post, putCatalog, signals, T0, tempDir } from './fixture';

let dir: Awaited<ReturnType<typeof tempDir>>;
let collector: RunningCollector;
let clock: ReturnType<typeof fakeClock>;

beforeEach(async () => {
  dir = await tempDir();
  clock = fakeClock();
  collector = await collectorFor(dir.file(), clock.now);
});
afterEach(async () => {
  await collector.close();
  await dir.remove();
});

const product = (id: string, extra: Record<string, unknown> = {}) => ({ id, title: id.toUpperCase(), url: `/p/${id}`, currency: 'EUR', ...extra });
const push = async (catalog: unknown) => {
  const response = await putCatalog(collector, catalog);
  expect(response.status).toBe(200);
  return response.json();
};
const run = async (time: number) => {
  clock.set(time);
  await collector.runTriggers();
};
const who = (name: string) => signals(dir.file(), name).map((s) => s.anonymous_id);

describe('PUT /v1/catalog', () => {
  it('needs the admin token, and refuses a catalog with errors, naming each path, storing nothing', async () => {
    expect((await putCatalog(collector, [product('a')], '')).status).toBe(401);
    expect((await putCatalog(collector, [product('a')], 'wrong-token-0123456789')).status).toBe(401);
    const bad = await putCatalog(collector, { products: [product('a'), { id: 'b', title: 'B', url: 'javascript:alert(1)' }, { title: 'C', url: '/c' }] });
    expect(bad.status).toBe(400);
    const { errors } = await bad.json();
    expect(errors.map((e: { path: string }) => e.path)).toEqual(['$.products[1].url', '$.products[2].id']);
    const ok = await push([product('a', { price: 'cheap' })]);
    expect(ok).toMatchObject({ products: 1, added: 1, changed: 0, removed: 0, warnings: [{ path: '$[0].price' }] });
    const unknown = await fetch(`${collector.url}/v1/catalog?site=nope`, { method: 'PUT', headers: { Authorization: 'Bearer admin-token-0123456789' }, body: '[]' });
    expect(unknown.status).toBe(404);
  });
});

describe('catalog signals', () => {
  it('Back In Stock and Price Drop reach the viewers who have not bought it, once', async () => {
    await push([product('boot', { inStock: false, price: 100, categories: ['boots'] }), product('tent', { price: 300, categories: ['camping'] })]);
    const view = (v: string, id: string, price: number) => event(v, 'Product Viewed', { product_id: id, price }, T0);
    await post(collector, [view('ann', 'boot', 100), view('ben', 'tent', 300), view('cat', 'tent', 300), view('dov', 'tent', 250)]);
    await post(collector, [event('cat', 'Order Completed', { order_id: 'o', products: [{ product_id: 'tent', price: 300 }] }, T0 + MINUTE)]);
    clock.set(T0 + DAY);
    const changes = await push([product('boot', { inStock: true, price: 100, categories: ['boots'] }), product('tent', { price: 260, categories: ['camping'] })]);
    expect(changes.jobs).toEqual({ 'Back In Stock': 1, 'Price Drop': 1 });
    await run(T0 + DAY);
    expect(who('Back In Stock')).toEqual(['ann']);
    // Dov saw it at 250, below the new price: no drop for him.
    expect(who('Price Drop')).toEqual(['ben']);
    expect(signals(dir.file(), 'Price Drop')[0].payload.properties).toMatchObject({ product_id: 'tent', name: 'TENT', price: 260, previous_price: 300, currency: 'EUR', url: '/p/tent' });
    // The same catalog again changes nothing.
    expect((await push([product('boot', { inStock: true, price: 100, categories: ['boots'] }), product('tent', { price: 260, categories: ['camping'] })])).changed).toBe(0);
    await run(T0 + 2 * DAY);
    expect(signals(dir.file()).length).toBe(2);
  });

  it('New Arrival reaches visitors whose top category it is, who came before it and have not seen it', async () => {
    await push([product('boot', { categories: ['boots'] }), product('tent', { categories: ['camping'] })]);
    const view = (v: string, id: string, category: string, t = T0) => event(v, 'Product Viewed', { product_id: id, category }, t);
    await post(collector, [view('eve', 'boot', 'boots'), view('eve', 'boot', 'boots'), view('eve', 'tent', 'camping')]);
    await post(collector, [view('flo', 'tent', 'camping'), view('flo', 'tent', 'camping'), view('flo', 'boot', 'boots')]);
    clock.set(T0 + 3 * DAY);
    // Gil arrives after the new boot was created: it is not new to him.
    await post(collector, [view('gil', 'boot', 'boots', T0 + 3 * DAY)]);
    const catalog = [product('boot', { categories: ['boots'] }), product('tent', { categories: ['camping'] }), product('boot2', { categories: ['boots'], createdAt: T0 + 2 * DAY })];
    expect((await push(catalog)).jobs).toEqual({ 'New Arrival': 1 });
    await run(T0 + 3 * DAY);
    expect(who('New Arrival')).toEqual(['eve']);
    expect(signals(dir.file(), 'New Arrival')[0].payload.properties).toMatchObject({ product_id: 'boot2', category: 'boots' });
  });

  it('New Arrival reaches a visitor once a day at most: the newest product first', async () => {
    await push([product('boot', { categories: ['boots'] })]);
    await post(collector, [event('hal', 'Product Viewed', { product_id: 'boot', category: 'boots' }, T0)]);
    clock.set(T0 + 3 * DAY);
    const arrivals = [product('older', { categories: ['boots'], createdAt: T0 + DAY }), product('newer', { categories: ['boots'], createdAt: T0 + 2 * DAY })];
    await push([product('boot', { categories: ['boots'] }), ...arrivals]);
    await run(T0 + 3 * DAY);
    expect(signals(dir.file(), 'New Arrival').map((s) => s.payload.properties.product_id)).toEqual(['newer']);
  });

  it('takes a large audience a page at a time and still reaches everyone once', async () => {
    await push([product('mug', { inStock: false })]);
    const viewers = Array.from({ length: 450 }, (_, i) => `v${String(i).padStart(3, '0')}`);
    for (let i = 0; i < viewers.length; i += 150) await post(collector, viewers.slice(i, i + 150).map((v) => event(v, 'Product Viewed', { product_id: 'mug' }, T0)));
    await push([product('mug', { inStock: true })]);
    await run(T0 + MINUTE);
    expect(who('Back In Stock').sort()).toEqual(viewers);
  });
});
