// Issue #16: the collector's write path on PostgreSQL end to end: batches stored by
// server/postgres/writer.ts (events, interactions, fold_queue, one transaction each) while
// server/postgres/fold.ts folds them (aggregates, trigger state, co-occurrence), as the
// collector runs them; from 1 writer and from 2 (two pools, two folders racing for the fold
// lock, as two collectors). 100,000 events in batches of 50, each batch one visitor's, on a
// throwaway cluster with fsync on. Events per second stored, and stored and folded (until a
// settle finds the queue empty).
//
//   node bench/postgres-fold.mjs [--events 100000]
// Prints figures; never fails on speed. Throws when PostgreSQL is missing or a count is wrong.
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { rollup } from 'rollup';
import { transpileTypeScript } from './browser.mjs';
import { ROOT, heading, int, printTable } from './lib.mjs';
import { missingPostgres, startCluster } from '../test/server/postgres/cluster.mjs';

const BATCH = 50;
const T0 = Date.UTC(2026, 11, 1, 9);

/** Bundles the server modules the bench drives (bare imports such as `pg` stay imports) and imports them. */
async function importServer(entries) {
  const bundle = await rollup({
    input: Object.fromEntries(Object.entries(entries).map(([name, file]) => [name, path.join(ROOT, file)])),
    plugins: [await transpileTypeScript()],
    external: (id) => !id.startsWith('.') && !path.isAbsolute(id),
    onwarn: (warning, warn) => warning.code !== 'CIRCULAR_DEPENDENCY' && warn(warning),
  });
  // Inside the project, so that `pg` resolves from its node_modules.
  const dir = path.join(ROOT, 'node_modules', '.cache', `attune-bench-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  try {
    await bundle.write({ dir, format: 'es', entryFileNames: '[name].mjs' });
    await bundle.close();
    const out = {};
    for (const name of Object.keys(entries)) Object.assign(out, await import(pathToFileURL(path.join(dir, `${name}.mjs`)).href));
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Raw batches, each one visitor's 50 events: page views, product views, exposures, carts and orders. */
function makeBatches(events) {
  const batches = [];
  for (let b = 0; b < events / BATCH; b++) {
    const anonymousId = `v${b % 4000}`;
    const batch = [];
    for (let i = 0; i < BATCH; i++) {
      const n = b * BATCH + i;
      const product = `p${(n * 7919) % 400}`;
      const timestamp = new Date(T0 + b * 60_000 + i * 1000).toISOString();
      const common = { messageId: `m${n}`, anonymousId, timestamp };
      const kind = i % 10;
      if (kind < 3) batch.push({ ...common, type: 'page', properties: { path: `/p/${product}` } });
      else if (kind < 6) batch.push({ ...common, type: 'track', event: 'Product Viewed', properties: { product_id: product, price: 20, category: `c${n % 12}` } });
      else if (kind < 8) batch.push({ ...common, type: 'track', event: 'Variant Viewed', properties: { placement: 'hero', variant: n % 3 ? 'a' : 'b', group: n % 10 ? 'treatment' : 'holdout', segment: 'new', reason: 'bandit' } });
      else if (kind === 8) batch.push({ ...common, type: 'track', event: 'Product Added', properties: { product_id: product, quantity: 1, price: 20 } });
      else batch.push({ ...common, type: 'track', event: 'Order Completed', properties: { order_id: `o${n}`, currency: 'EUR', products: [{ product_id: product, price: 20, quantity: 1 }] } });
    }
    batches.push(batch);
  }
  return batches;
}

/** Runs the bench; returns summary rows. */
export async function run({ events = 100_000 } = {}) {
  heading(`PostgreSQL store + fold (${int(events)} events in batches of ${BATCH}, fsync on)`);
  const missing = missingPostgres();
  if (missing) {
    console.log(`skipped: ${missing}`);
    return [];
  }
  const m = await importServer({
    writer: 'server/postgres/writer.ts',
    fold: 'server/postgres/fold.ts',
    sql: 'server/postgres/sql.ts',
    migrate: 'server/postgres/migrate.ts',
    sites: 'server/sites.ts',
    rules: 'server/exposure-rules.ts',
    cooc: 'server/cooc/options.ts',
    cache: 'server/cooccurrence-cache.ts',
    validate: 'server/validate-batch.ts',
  });
  const now = T0 + 30 * 86_400_000;
  const batches = makeBatches(events).map((batch) => {
    const valid = m.validateBatch({ batch }, 'shop', now);
    if (!valid.ok || valid.rejected.length) throw new Error(`an invalid bench event: ${JSON.stringify(valid.ok ? valid.rejected[0] : valid.errors)}`);
    return valid.events;
  });
  const context = {
    rulesOf: m.placementRules(undefined),
    sites: m.sitesFrom({ sites: { shop: { writeKeys: ['wk_bench_0123456789abcdef'] } } }),
    cooc: m.coocSettings(m.COLLECTOR_COOCCURRENCE),
  };
  const cluster = await startCluster({ durable: true });
  const rows = [['writers', 'stored in', 'events/s stored', 'folded by', 'events/s stored + folded']];
  const summary = [];
  try {
    for (const writers of [1, 2]) {
      const url = cluster.url();
      const admin = m.createPostgresPool(url);
      await admin.query(`CREATE DATABASE fold_${writers}`);
      await admin.end();
      const pools = Array.from({ length: writers }, () => m.createPostgresPool({ connectionString: cluster.url(`fold_${writers}`), max: 4 }));
      const client = await pools[0].connect();
      await m.migratePostgres(client);
      client.release();
      try {
        const collectors = pools.map((pool) => ({ writer: m.createPostgresWriter(pool), fold: m.startPostgresFold(pool, m.createPostgresFoldApply(context)) }));
        let next = 0;
        let stored = 0;
        const started = performance.now();
        // Each collector takes the next batch, as a balancer would hand them out.
        await Promise.all(
          collectors.map(async ({ writer }) => {
            while (next < batches.length) {
              // Read after the await: `stored += await …` would add to a value read before it.
              const result = await writer.storeBatch(batches[next++], now);
              stored += result.stored;
            }
          }),
        );
        const storedAt = performance.now();
        await Promise.all(collectors.map(({ fold }) => fold.settle()));
        const foldedAt = performance.now();
        await Promise.all(collectors.map(({ fold }) => fold.close()));
        const { rows: counts } = await pools[0].query('SELECT (SELECT count(*) FROM events) AS events, (SELECT count(*) FROM fold_queue) AS queued, (SELECT sum(impressions) FROM variant_stats) AS impressions');
        if (stored !== events || counts[0].events !== events || counts[0].queued !== 0) throw new Error(`${writers} writer(s): ${stored} stored, ${JSON.stringify(counts[0])}`);
        const storeRate = events / ((storedAt - started) / 1000);
        const totalRate = events / ((foldedAt - started) / 1000);
        rows.push([writers, `${((storedAt - started) / 1000).toFixed(1)} s`, int(storeRate), `${((foldedAt - started) / 1000).toFixed(1)} s`, int(totalRate)]);
        summary.push({ metric: `PostgreSQL store + fold, ${writers} writer(s)`, value: `${int(totalRate)} events/s`, note: `stored alone ${int(storeRate)} events/s` });
      } finally {
        await Promise.all(pools.map((pool) => pool.end()));
      }
    }
    printTable(rows);
    return summary;
  } finally {
    cluster.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const at = process.argv.indexOf('--events');
  await run(at > 0 ? { events: Number(process.argv[at + 1]) } : {});
}
