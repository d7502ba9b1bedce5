// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { batchOf, startTestCollector, trackEvent, type TestCollector } from './helpers';

let c: TestCollector;
beforeEach(async () => {
  c = await startTestCollector();
});
afterEach(() => c.stop());

describe('POST /v1/batch', () => {
  it('stores a batch and answers { stored, duplicates }', async () => {
    const events = [trackEvent('Product Viewed', { product_id: 'p1' }), trackEvent('Signed Up')];
    const res = await c.post(batchOf(events));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ stored: 2, duplicates: 0, rejected: [] });
    expect(c.count()).toBe(2);
  });

  it('stores each messageId once: a resent batch is all duplicates, and so is a repeat inside a batch', async () => {
    const events = [trackEvent('A'), trackEvent('B'), trackEvent('C')];
    expect(await (await c.post(batchOf(events))).json()).toEqual({ stored: 3, duplicates: 0, rejected: [] });
    expect(await (await c.post(batchOf(events))).json()).toEqual({ stored: 0, duplicates: 3, rejected: [] });
    const repeat = trackEvent('D');
    expect(await (await c.post(batchOf([repeat, repeat, events[0]]))).json()).toEqual({ stored: 1, duplicates: 2, rejected: [] });
    expect(c.count()).toBe(4);
  });

  it('accepts text/plain, as navigator.sendBeacon sends it', async () => {
    const res = await c.post(batchOf([trackEvent('Beacon')]), { contentType: 'text/plain;charset=UTF-8' });
    expect(res.status).toBe(200);
    expect(c.count()).toBe(1);
  });

  it('stores every event of many concurrent batches', async () => {
    const batches = Array.from({ length: 40 }, (_, b) =>
      batchOf(Array.from({ length: 25 }, (_, i) => trackEvent('Concurrent', { b, i }))),
    );
    const responses = await Promise.all(batches.map((batch) => c.post(batch)));
    expect(responses.map((r) => r.status)).toEqual(batches.map(() => 200));
    const bodies = await Promise.all(responses.map((r) => r.json()));
    expect(bodies.reduce((sum, b) => sum + b.stored, 0)).toBe(1000);
    expect(c.count()).toBe(1000);
  });

  it('keeps duplicates out when the same batch races itself', async () => {
    const batch = batchOf(Array.from({ length: 50 }, () => trackEvent('Race')));
    const bodies = await Promise.all(Array.from({ length: 8 }, () => c.post(batch).then((r) => r.json())));
    expect(bodies.reduce((sum, b) => sum + b.stored, 0)).toBe(50);
    expect(bodies.reduce((sum, b) => sum + b.duplicates, 0)).toBe(350);
    expect(c.count()).toBe(50);
  });

  it('takes the site from ?site=, then the body, then context.site, then "default"', async () => {
    const withContextSite = (site: string) => trackEvent('S', {}, { context: { site } });
    await c.post(batchOf([withContextSite('ctx')]), { path: '/v1/batch?site=query' });
    await c.post(batchOf([withContextSite('ctx')], { site: 'body' }));
    await c.post(batchOf([withContextSite('ctx')]));
    await c.post(batchOf([trackEvent('S')]));
    const sites = ['query', 'body', 'ctx', 'default'].map((s) => c.count('events', `site = '${s}'`));
    expect(sites).toEqual([1, 1, 1, 1]);
  });

  it('deduplicates per site: the same messageId on two sites is two events', async () => {
    const e = trackEvent('Same');
    await c.post(batchOf([e]), { path: '/v1/batch?site=a' });
    expect(await (await c.post(batchOf([e]), { path: '/v1/batch?site=b' })).json()).toEqual({ stored: 1, duplicates: 0, rejected: [] });
  });

  it('accepts page and identify events and userId without anonymousId', async () => {
    const page = trackEvent('x', {}, { type: 'page', event: undefined, name: 'Home' });
    const identify = trackEvent('x', {}, { type: 'identify', event: undefined, anonymousId: undefined, userId: 'u1', traits: { plan: 'pro' } });
    const res = await c.post(batchOf([page, identify]));
    expect(res.status).toBe(200);
    expect(c.count('events', "type = 'page'")).toBe(1);
    expect(c.count('events', "user_id = 'u1' AND anonymous_id IS NULL")).toBe(1);
  });

  it('stores the event exactly as sent', async () => {
    const e = trackEvent('Order Completed', { order_id: 'o1', products: [{ product_id: 'p1', price: 9.5, quantity: 2 }] });
    await c.post(batchOf([e]));
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(c.dbFile, { readonly: true });
    const row = db.prepare('SELECT payload FROM events').get() as { payload: string };
    db.close();
    expect(JSON.parse(row.payload)).toEqual(e);
  });
});
