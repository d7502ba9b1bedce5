// @vitest-environment node
import { afterEach, describe, expect, it } from 'vitest';
import { createLru } from '../../server/lru';
import { createTableCache } from '../../server/site-cache';
import type { Tables } from '../../server/tables';
import { batchOf, startTestCollector, trackEvent, type TestCollector } from './helpers';

const tablesOf = (label: string): Tables => ({ cooccurrence: { body: label, etag: `"${label}"` }, popular: { body: label, etag: `"${label}"` } });

// A rebuild the test finishes by hand, counting calls per site.
function manualRebuilds() {
  const calls: string[] = [];
  const pending: (() => void)[] = [];
  const rebuild = (site: string, version: number) => {
    calls.push(site);
    return new Promise<Tables>((resolve) => pending.push(() => resolve(tablesOf(`${site}@${version}`))));
  };
  const finishAll = () => pending.splice(0).forEach((finish) => finish());
  return { calls, rebuild, finishAll };
}

describe('per-site caches are bounded', () => {
  it('an LRU keeps the most recently used entries', () => {
    const lru = createLru<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    lru.get('a');
    lru.set('c', 3);
    expect([lru.get('a'), lru.get('b'), lru.get('c'), lru.size]).toEqual([1, undefined, 3, 2]);
  });

  it('the table cache holds at most maxSites sites, and rebuilds a forgotten one on request', async () => {
    const { calls, rebuild, finishAll } = manualRebuilds();
    const cache = createTableCache({ version: () => 1, rebuild, maxSites: 3, onError: () => undefined });
    for (const site of ['a', 'b', 'c', 'd', 'e']) {
      const got = cache.get(site);
      finishAll();
      expect((await got).cooccurrence.body).toBe(`${site}@1`);
    }
    expect(cache.size).toBe(3);
    const again = cache.get('a');
    finishAll();
    await again;
    expect(calls).toEqual(['a', 'b', 'c', 'd', 'e', 'a']);
  });

  it('runs one rebuild per site however many ask, and serves the last table while it runs', async () => {
    const { calls, rebuild, finishAll } = manualRebuilds();
    let version = 1;
    const cache = createTableCache({ version: () => version, rebuild, waitMs: 0, onError: () => undefined });
    const first = Promise.all(Array.from({ length: 10 }, () => cache.get('s')));
    finishAll();
    expect((await first).map((t) => t.cooccurrence.body)).toEqual(Array(10).fill('s@1'));
    version = 2;
    const during = await Promise.all(Array.from({ length: 10 }, () => cache.get('s')));
    expect(during.map((t) => t.cooccurrence.body)).toEqual(Array(10).fill('s@1'));
    expect(calls).toEqual(['s', 's']);
    finishAll();
    await new Promise((resolve) => setImmediate(resolve));
    expect((await cache.get('s')).cooccurrence.body).toBe('s@2');
    expect(calls).toEqual(['s', 's']);
  });
});

describe('made-up sites over HTTP', () => {
  let c: TestCollector;
  afterEach(() => c.stop());

  it('2,000 made-up ?site= values leave at most maxSites sites held', async () => {
    c = await startTestCollector({ maxSites: 100, config: { placements: [] } });
    // One real site with product events, so its rebuild goes through the worker too.
    await c.post(batchOf([trackEvent('Order Completed', { order_id: 'o', products: [{ product_id: 'a' }, { product_id: 'b' }] })]), { path: '/v1/batch?site=real' });
    const sites = ['real', ...Array.from({ length: 2000 }, (_, i) => `made-up-${i}`)];
    for (let i = 0; i < sites.length; i += 50) {
      await Promise.all(
        sites.slice(i, i + 50).flatMap((site) =>
          ['/v1/cooccurrence', '/v1/popular', '/v1/config'].map((path) => fetch(`${c.url}${path}?site=${site}`).then((r) => r.arrayBuffer())),
        ),
      );
    }
    expect(c.heldSites()).toBe(100);
    // The real site was forgotten long ago, and is rebuilt as it was.
    expect((await (await fetch(`${c.url}/v1/cooccurrence?site=real`)).json()).a.bought).toEqual([['b', 0.1667]]);
  }, 30_000);
});
