// @vitest-environment node
// The key property of the PostgreSQL write path: the same event streams, stored and folded
// on SQLite (the collector's in-thread fold with every hook) and on PostgreSQL (writer,
// fold_queue, the same pure fold functions), leave identical rows in every fold table.
import fc from 'fast-check';
import type pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFoldInThread } from '../../../server/aggregate-fold';
import { createCoocKeeper } from '../../../server/cooc/keeper';
import { coocSettings } from '../../../server/cooc/options';
import { COLLECTOR_COOCCURRENCE } from '../../../server/cooccurrence-cache';
import { openDatabase } from '../../../server/database';
import { createBatchWriter, createEventStore } from '../../../server/event-store';
import { placementRules } from '../../../server/exposure-rules';
import { createFoldApply } from '../../../server/fold-hooks';
import { createPostgresFoldApply, startPostgresFold } from '../../../server/postgres/fold';
import { migratePostgres } from '../../../server/postgres/migrate';
import { createPostgresPool } from '../../../server/postgres/sql';
import { createPostgresWriter } from '../../../server/postgres/writer';
import { sitesFrom } from '../../../server/sites';
import { validateBatch } from '../../../server/validate-batch';
import type { ValidEvent } from '../../../server/validate-event';
import { eventStream, MINUTE, T0 } from '../fold/fold-fixtures';
import { describePostgres, freshDatabase } from './database';
import { dumpPostgresFold, dumpSqliteFold } from './fold-dump';

const sites = sitesFrom({
  sites: { shop: { writeKeys: ['wk_test_0123456789abcdef'], webhooks: [{ url: 'https://hooks.example/in', events: ['Cart Abandoned'], secret: 'whsec_0123456789abcdefghijklmn', traits: ['plan'] }] } },
});
const NOW = T0 + 4 * 24 * 60 * MINUTE;
const cooc = coocSettings(COLLECTOR_COOCCURRENCE);
const rulesOf = placementRules(undefined);

/** The stream cut into batches of the given sizes, validated as the collector does. */
function batchesOf(events: Record<string, unknown>[], sizes: number[]): ValidEvent[][] {
  const out: ValidEvent[][] = [];
  let at = 0;
  for (const size of [...sizes, events.length]) {
    const chunk = events.slice(at, (at += size));
    if (chunk.length === 0) continue;
    const valid = validateBatch({ batch: chunk }, 'shop', NOW);
    if (!valid.ok || valid.rejected.length) throw new Error(`the generator made an invalid event: ${JSON.stringify(valid.ok ? valid.rejected : valid.errors)}`);
    out.push(valid.events);
    if (at >= events.length) break;
  }
  return out;
}

/** Stores each batch and settles the fold after it, on SQLite; every compared table's rows. */
async function onSqlite(batches: ValidEvent[][]) {
  const db = openDatabase(':memory:');
  const keeper = createCoocKeeper(db, cooc, (_, error) => {
    throw error;
  });
  const fold = startFoldInThread(db, createFoldApply(db, { rulesOf, sites, cooc: keeper }));
  try {
    const store = createEventStore(db, createBatchWriter(db, 0, fold.queue));
    for (const batch of batches) {
      await store.storeBatch(batch, NOW);
      await fold.settle();
    }
    return dumpSqliteFold(db);
  } finally {
    await fold.close();
    keeper.close();
    db.close();
  }
}

let url: string;
let admin: pg.Pool;
beforeAll(async () => {
  url = await freshDatabase();
  admin = createPostgresPool(url);
  const client = await admin.connect();
  await migratePostgres(client);
  client.release();
});
afterAll(async () => {
  await admin?.end();
});

/** The same on PostgreSQL, in a database emptied first. */
async function onPostgres(batches: ValidEvent[][]) {
  await admin.query(`DO $$ DECLARE t text; BEGIN
    FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_version' LOOP
      EXECUTE format('TRUNCATE %I RESTART IDENTITY', t); END LOOP; END $$`);
  const pool = createPostgresPool({ connectionString: url, max: 2 });
  const fold = startPostgresFold(pool, createPostgresFoldApply({ rulesOf, sites, cooc }), { intervalMs: 60_000 });
  try {
    const writer = createPostgresWriter(pool);
    for (const batch of batches) {
      await writer.storeBatch(batch, NOW);
      await fold.settle();
    }
    return await dumpPostgresFold(pool);
  } finally {
    await fold.close();
    await pool.end();
  }
}

// Hand-built: an anonymous visit that signs in (its rows move to the user), an alias of two
// users, a cart emptied, a late view, an order crediting a row click, on two days.
const HAND_BUILT: Record<string, unknown>[] = [
  { type: 'page', anonymousId: 'a1' },
  { type: 'track', event: 'Variant Viewed', anonymousId: 'a1', properties: { placement: 'hero', variant: 'x', group: 'treatment', segment: 'new', reason: 'bandit' } },
  { type: 'track', event: 'Product Viewed', anonymousId: 'a1', properties: { product_id: 'p1', price: 12, category: 'shoes' } },
  { type: 'track', event: 'Product Viewed', anonymousId: 'a1', properties: { product_id: 'p2', price: 12, category: 'shoes' } },
  { type: 'track', event: 'Product Clicked', anonymousId: 'a1', properties: { list_id: 'similar', product_id: 'p2' } },
  { type: 'track', event: 'Product Added', anonymousId: 'a1', properties: { product_id: 'p2', quantity: 1, price: 9, category: 'shoes' } },
  { type: 'identify', anonymousId: 'a1', userId: 'u1', traits: { plan: 'gold' } },
  { type: 'track', event: 'Order Completed', anonymousId: 'a1', userId: 'u1', properties: { currency: 'EUR', products: [{ product_id: 'p2', price: 9, quantity: 1, category: 'shoes' }] } },
  { type: 'track', event: 'Variant Converted', anonymousId: 'a1', userId: 'u1', properties: { placement: 'hero', variant: 'x', group: 'treatment', segment: 'new', goal: 'order', value: 9 } },
  { type: 'page', anonymousId: 'a2' },
  { type: 'track', event: 'Product Added', anonymousId: 'a2', properties: { product_id: 'p3', quantity: 2, price: 9, category: 'bags' } },
  { type: 'track', event: 'Product Removed', anonymousId: 'a2', properties: { product_id: 'p3', quantity: 2, price: 9, category: 'bags' } },
  { type: 'identify', anonymousId: 'a2', userId: 'u2' },
  { type: 'alias', anonymousId: 'a2', userId: 'u1', previousId: 'u2' },
  { type: 'track', event: 'Product Viewed', anonymousId: 'a1', userId: 'u1', properties: { product_id: 'p1', price: 10, category: 'shoes' } },
].map((e, i) => ({ ...e, messageId: `h${i}`, timestamp: new Date(T0 + (i < 10 ? i : 1440 + i - (i === 14 ? 30 : 0)) * MINUTE).toISOString() }));

describePostgres('the fold on PostgreSQL against SQLite', () => {
  it('a hand-built stream (sign-in, alias, emptied cart, late view, credited click) gives the same rows, folded whole and one event per fold', async () => {
    for (const sizes of [[HAND_BUILT.length], HAND_BUILT.map(() => 1), [4, 3, 5]]) {
      const batches = batchesOf(HAND_BUILT, sizes);
      const sqlite = await onSqlite(batches);
      expect(sqlite.identity_links.length, 'the stream links ids').toBeGreaterThan(0);
      expect(await onPostgres(batches)).toEqual(sqlite);
    }
  }, 60_000);

  it('generated streams give the same rows in every fold table, whatever the batch boundaries', async () => {
    await fc.assert(
      fc.asyncProperty(eventStream(), fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 30 }), async (events, cuts) => {
        const batches = batchesOf(events, cuts);
        expect(await onPostgres(batches)).toEqual(await onSqlite(batches));
      }),
      { numRuns: 25 },
    );
  }, 240_000);
});
