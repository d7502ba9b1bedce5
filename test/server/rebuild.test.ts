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

describe('co-occurrence and popularity kept at ingest, over a history stored before them', () => {
  // A file from before schema 3 (or state built with other options) holds interactions and
  // no state: the collector rebuilds it from them at start (server/cooc/replay.ts). Pulls then
  // read the stored lists: the rebuild per pull (and /healthz timed while it ran) is gone,
  // so these tests are about the result.
  it('rebuilds the state of 300,000 stored interactions at start and serves what the shared functions compute', async () => {
    const interactions = history(300_000);
    const { collector: c } = await collectorWith(interactions, 200);
    expect(await (await fetch(`${c.url}/v1/cooccurrence?site=${SITE}`)).text()).toBe(JSON.stringify(cooccurrence(interactions, COLLECTOR_COOCCURRENCE)));
    expect(await (await fetch(`${c.url}/v1/popular?site=${SITE}`)).text()).toBe(JSON.stringify(popularResponse(SITE, interactions, NOW)));
  }, 60_000);

  it('adds a new batch to that state: the next pull serves it, equal to a full recompute', async () => {
    const interactions = history(50_000);
    // The pull waits for the writer thread's refresh (a message away), up to 5 s on a loaded machine.
    const { collector: c } = await collectorWith(interactions, 5000);
    const first = await fetch(`${c.url}/v1/cooccurrence?site=${SITE}`);
    const etag = first.headers.get('etag');
    await first.arrayBuffer();
    const batch = batchOf([trackEvent('Order Completed', { order_id: 'new', products: [{ product_id: 'fresh-a' }, { product_id: 'p1' }] }, { anonymousId: 'late', timestamp: new Date(NOW).toISOString() })]);
    const posted = await fetch(`${c.url}/v1/batch?site=${SITE}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(batch) });
    expect((await posted.json()).stored).toBe(1);
    // Only the lists of the products the order touched are recomputed (bench/cooc.mjs times it).
    const next = await fetch(`${c.url}/v1/cooccurrence?site=${SITE}`, { headers: { 'If-None-Match': etag! } });
    expect(next.status).toBe(200);
    const all: Interaction[] = [...interactions, ...['fresh-a', 'p1'].map((productId): Interaction => ({ kind: 'buy', productId, visitor: 'late', time: NOW, order: 'new' }))];
    expect(await next.text()).toBe(JSON.stringify(cooccurrence(all, COLLECTOR_COOCCURRENCE)));
  }, 60_000);

  it('answers a site without interactions at once', async () => {
    const { collector: c } = await collectorWith([], 0);
    expect(await (await fetch(`${c.url}/v1/cooccurrence?site=nobody`)).json()).toEqual({});
    expect((await (await fetch(`${c.url}/v1/popular?site=nobody`)).json()).asOf).toBeNull();
  });
});

describe('an in-memory database', () => {
  // Timestamps no later than the collector's clock: popularity of a product with interactions
  // ahead of it differs by rule (src/recommend/popularity-state.ts).
  it('serves the same tables', async () => {
    const memory = await startCollector({ port: 0, db: ':memory:', clock: () => NOW, rebuildWaitMs: 60_000, log: () => undefined });
    dir = await mkdtemp(join(tmpdir(), 'attune-rebuild-'));
    collector = memory;
    const events = Array.from({ length: 3000 }, (_, i) =>
      trackEvent('Product Viewed', { product_id: `p${(i * 7) % 50}` }, { anonymousId: `v${Math.floor(i / 4)}`, timestamp: new Date(NOW - 3 * 864e5 + i * 60_000).toISOString() }),
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
