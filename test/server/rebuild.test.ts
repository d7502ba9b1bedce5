// @vitest-environment node
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cooccurrence, type Interaction } from '../../src/recommend/cooccurrence';
import { startCollector, type RunningCollector } from '../../server';
import { COLLECTOR_COOCCURRENCE } from '../../server/cooccurrence-cache';
import { openDatabase } from '../../server/database';
import { popularResponse } from '../../server/popular-cache';
import { batchOf, trackEvent } from './helpers';
import { workerModule } from './worker-module';

const SITE = 'big';
const NOW = Date.UTC(2024, 5, 1);

// A shop's history: visitors browsing 3,000 products in sessions of 2-6 views, a few
// orders, spread over 30 days; drawn from a fixed seed, in the order they are stored.
function history(count: number): Interaction[] {
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const list: Interaction[] = [];
  for (let v = 0; list.length < count; v++) {
    let time = NOW - 30 * 864e5 + Math.floor(random() * 29 * 864e5);
    const around = Math.floor(random() * 3000);
    for (let k = 2 + Math.floor(random() * 5); k > 0; k--) {
      list.push({ kind: 'view', productId: `p${(around + Math.floor(random() * 40)) % 3000}`, visitor: `v${v}`, time: (time += 60_000) });
    }
    if (random() < 0.2) {
      for (let k = 1 + Math.floor(random() * 3); k > 0; k--) list.push({ kind: 'buy', productId: `p${(around + k) % 3000}`, visitor: `v${v}`, time, order: `o${v}` });
    }
  }
  return list;
}

let dir: string;
let collector: RunningCollector | undefined;
afterEach(async () => {
  await collector?.close();
  collector = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function collectorWith(interactions: Interaction[], rebuildWaitMs: number) {
  dir = await mkdtemp(join(tmpdir(), 'attune-rebuild-'));
  const file = join(dir, 'attune.sqlite');
  const db = openDatabase(file);
  const insert = db.prepare('INSERT INTO interactions (site, kind, product_id, visitor, time, order_id) VALUES (?, ?, ?, ?, ?, ?)');
  db.transaction(() => {
    for (const i of interactions) insert.run(SITE, i.kind, i.productId, i.visitor, i.time, i.order ?? null);
  })();
  db.close();
  collector = await startCollector({ port: 0, db: file, clock: () => NOW, rebuildWaitMs, workerModule: await workerModule(), log: () => undefined });
  return { collector, file };
}

// Times sequential /healthz requests until `done` settles.
async function healthzWhile(url: string, done: Promise<unknown>): Promise<number[]> {
  let settled = false;
  void done.finally(() => (settled = true));
  const times: number[] = [];
  while (!settled) {
    const start = performance.now();
    const res = await fetch(`${url}/healthz`);
    await res.arrayBuffer();
    times.push(performance.now() - start);
  }
  return times;
}

describe('rebuilding /v1/cooccurrence and /v1/popular off the event loop', () => {
  it('keeps /healthz answering (95 % within 100 ms) while 300,000 interactions are rebuilt, and serves what the shared functions compute', async () => {
    const interactions = history(300_000);
    const { collector: c } = await collectorWith(interactions, 200);
    const started = performance.now();
    const table = fetch(`${c.url}/v1/cooccurrence?site=${SITE}`).then((r) => r.text());
    const latencies = await healthzWhile(c.url, table);
    const rebuildMs = performance.now() - started;
    // The rebuild must take long enough for the bounds to mean anything (run on the event loop,
    // it held /healthz that long). On a loaded 2-core machine the scheduler alone can delay a
    // request by 100 ms or more now and then, so the bounds are on the typical and the worst
    // request: neither may come near the rebuild's duration.
    expect(rebuildMs).toBeGreaterThan(250);
    const sorted = [...latencies].sort((a, b) => a - b);
    expect(sorted.length).toBeGreaterThan(20);
    expect(sorted[Math.floor(sorted.length * 0.95)]).toBeLessThan(100);
    expect(sorted.at(-1)).toBeLessThan(rebuildMs / 3);
    expect(await table).toBe(JSON.stringify(cooccurrence(interactions, COLLECTOR_COOCCURRENCE)));
    expect(await (await fetch(`${c.url}/v1/popular?site=${SITE}`)).text()).toBe(JSON.stringify(popularResponse(SITE, interactions, NOW)));
  }, 30_000);

  it('serves the last table while a rebuild runs, then the new one', async () => {
    const { collector: c } = await collectorWith(history(50_000), 0);
    const first = await fetch(`${c.url}/v1/cooccurrence?site=${SITE}`);
    const etag = first.headers.get('etag');
    await first.arrayBuffer();
    const batch = batchOf([trackEvent('Order Completed', { order_id: 'new', products: [{ product_id: 'fresh-a' }, { product_id: 'fresh-b' }] }, { timestamp: new Date(NOW).toISOString() })]);
    const posted = await fetch(`${c.url}/v1/batch?site=${SITE}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(batch) });
    expect((await posted.json()).stored).toBe(1);
    // Stale and waiting 0 ms: the last table at once, however many ask.
    const during = await Promise.all(Array.from({ length: 5 }, () => fetch(`${c.url}/v1/cooccurrence?site=${SITE}`)));
    for (const res of during) expect(res.headers.get('etag')).toBe(etag);
    await Promise.all(during.map((r) => r.arrayBuffer()));
    let table: Record<string, unknown> = {};
    for (let tries = 0; tries < 200 && !table['fresh-a']; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      table = await (await fetch(`${c.url}/v1/cooccurrence?site=${SITE}`)).json();
    }
    expect(table['fresh-a']).toEqual({ viewed: [], bought: [['fresh-b', 0.1667]] });
  }, 30_000);

  it('answers a site without interactions at once, without a worker', async () => {
    const { collector: c } = await collectorWith([], 0);
    expect(await (await fetch(`${c.url}/v1/cooccurrence?site=nobody`)).json()).toEqual({});
    expect((await (await fetch(`${c.url}/v1/popular?site=nobody`)).json()).asOf).toBeNull();
  });
});

describe('an in-memory database, which only the main thread can read', () => {
  it('streams the rows to the worker in pages and serves the same tables', async () => {
    const memory = await startCollector({ port: 0, db: ':memory:', clock: () => NOW, rebuildWaitMs: 60_000, workerModule: await workerModule(), log: () => undefined });
    dir = await mkdtemp(join(tmpdir(), 'attune-rebuild-'));
    collector = memory;
    const events = Array.from({ length: 3000 }, (_, i) =>
      trackEvent('Product Viewed', { product_id: `p${(i * 7) % 50}` }, { anonymousId: `v${Math.floor(i / 4)}`, timestamp: new Date(NOW - 864e5 + i * 60_000).toISOString() }),
    );
    for (let i = 0; i < events.length; i += 500) {
      await fetch(`${memory.url}/v1/batch`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(batchOf(events.slice(i, i + 500))) });
    }
    const interactions: Interaction[] = events.map((e) => ({
      kind: 'view',
      productId: (e.properties as { product_id: string }).product_id,
      visitor: e.anonymousId as string,
      time: Date.parse(e.timestamp as string),
    }));
    expect(await (await fetch(`${memory.url}/v1/cooccurrence`)).text()).toBe(JSON.stringify(cooccurrence(interactions, COLLECTOR_COOCCURRENCE)));
    expect(await (await fetch(`${memory.url}/v1/popular`)).text()).toBe(JSON.stringify(popularResponse('default', interactions, NOW)));
  });
});
