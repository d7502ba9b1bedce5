// @vitest-environment node
// The co-occurrence service over a real SQLite file, driven like the collector drives it:
// events through the event store's fold, tables read from the stored rows.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cooccurrence, type CooccurrenceOptions, type Interaction } from '../../../src/recommend/cooccurrence';
import { startFoldInThread } from '../../../server/aggregate-fold';
import { createCoocKeeper } from '../../../server/cooc/keeper';
import { coocSettings } from '../../../server/cooc/options';
import { createCoocService, type CoocService } from '../../../server/cooc/service';
import { openDatabase, type Db } from '../../../server/database';
import { createBatchWriter, createEventStore } from '../../../server/event-store';
import { placementRules } from '../../../server/exposure-rules';
import { createFoldApply } from '../../../server/fold-hooks';
import { openSites } from '../../../server/sites';
import { popularResponse } from '../../../server/popular-cache';
import { validateBatch } from '../../../server/validate-batch';
import { batchOf, trackEvent } from '../helpers';

const NOW = Date.UTC(2024, 5, 1);
const SITE = 'shop';
let dir: string;
const open: { db: Db; close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const parts of open.splice(0)) await parts.close();
  await rm(dir, { recursive: true, force: true });
});

// A shop's views and orders, from a fixed seed, each visitor's in time order, interleaved.
function history(visitors: number): { events: Record<string, unknown>[]; interactions: Interaction[]; upTo: number[] } {
  let seed = 11;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const clocks = Array.from({ length: visitors }, () => NOW - 20 * 864e5 + Math.floor(random() * 864e5));
  const events: Record<string, unknown>[] = [];
  const interactions: Interaction[] = [];
  // After event i, the first upTo[i] interactions are stored.
  const upTo: number[] = [];
  for (let k = 0; k < visitors * 8; k++) {
    const v = Math.floor(random() * visitors);
    const time = (clocks[v] += Math.floor(random() * 50 * 60_000));
    const at = { anonymousId: `v${v}`, timestamp: new Date(time).toISOString() };
    if (random() < 0.85) {
      const productId = `p${Math.floor(random() * 40)}`;
      events.push(trackEvent('Product Viewed', { product_id: productId }, at));
      interactions.push({ kind: 'view', productId, visitor: `v${v}`, time });
    } else {
      const order = `o${k}`;
      const products = Array.from({ length: 1 + Math.floor(random() * 3) }, () => `p${Math.floor(random() * 40)}`);
      events.push(trackEvent('Order Completed', { order_id: order, products: products.map((product_id) => ({ product_id })) }, at));
      for (const productId of products) interactions.push({ kind: 'buy', productId, visitor: `v${v}`, time, order });
    }
    upTo.push(interactions.length);
  }
  return { events, interactions, upTo };
}

// The collector's in-thread fold with co-occurrence as its only hook: the service marks
// sites to rebuild, the keeper rebuilds them once the catch-up is folded.
async function collectorParts(file: string, options: CooccurrenceOptions) {
  const db = openDatabase(file);
  const keeper = createCoocKeeper(db, coocSettings(options), (_, error) => {
    throw error;
  });
  const cooc = createCoocService(db, options, () => NOW, keeper.refresh);
  const context = { rulesOf: placementRules(undefined), sites: openSites(['*']), cooc: keeper };
  const fold = startFoldInThread(db, createFoldApply(db, context, [(_, { cooc }) => cooc.ingest]));
  await fold.settle();
  keeper.replayMarked();
  const store = createEventStore(db, createBatchWriter(db, 100, fold.queue));
  const post = async (events: Record<string, unknown>[]) => {
    const checked = validateBatch(batchOf(events), SITE, NOW);
    if (!checked.ok || checked.rejected.length) throw new Error(JSON.stringify(checked));
    return store.storeBatch(checked.events, NOW);
  };
  const tables = async (service: CoocService = cooc) => {
    await service.version(SITE);
    return service.tables(SITE);
  };
  const close = async () => {
    await fold.close();
    keeper.close();
    db.close();
  };
  const parts = { db, cooc, store, post, tables, close };
  open.push(parts);
  return parts;
}

describe('co-occurrence kept in SQLite', () => {
  it('serves what cooccurrence() and popularity() give for the whole history, posted in batches of any size', async () => {
    dir = await mkdtemp(join(tmpdir(), 'attune-cooc-'));
    const options = { score: 'cosine' as const, shrink: 5, proximity: 0.9, top: 5 };
    const { post, tables } = await collectorParts(join(dir, 'a.sqlite'), options);
    const { events, interactions, upTo } = history(60);
    // Lists refreshed after every batch, so each refresh recomputes only what changed since the last,
    // and the table's pieces are patched for those products: equal to a full recompute every time.
    for (let i = 0, size = 1; i < events.length; i += size, size = (size * 7) % 53 || 1) {
      await post(events.slice(i, i + size));
      const end = Math.min(i + size, events.length) - 1;
      expect((await tables()).cooccurrence.body, `after event ${end}`).toBe(JSON.stringify(cooccurrence(interactions.slice(0, upTo[end]), options)));
    }
    const served = await tables();
    expect(served.cooccurrence.body).toBe(JSON.stringify(cooccurrence(interactions, options)));
    expect(served.popular.body).toBe(JSON.stringify(popularResponse(SITE, interactions, NOW)));
  });

  it('recomputes the lists from the stored pairs when only their scoring changes, and rebuilds from the interactions when the state’s options do', async () => {
    dir = await mkdtemp(join(tmpdir(), 'attune-cooc-'));
    const file = join(dir, 'a.sqlite');
    const { events, interactions } = history(40);
    const first = await collectorParts(file, { score: 'cosine', top: 5 });
    await first.post(events);
    await first.tables();
    await open.pop()!.close();

    for (const options of [{ score: 'lift', top: 3 }, { score: 'count', sessionGapMs: 10 * 60_000 }, { score: 'cosine', proximity: 0.5, maxBasket: 3 }] as CooccurrenceOptions[]) {
      const again = await collectorParts(file, options);
      expect((await again.tables()).cooccurrence.body, JSON.stringify(options)).toBe(JSON.stringify(cooccurrence(interactions, options)));
      await open.pop()!.close();
    }
  });
});
