// @vitest-environment node
// Many collectors on one PostgreSQL database: two pools ("collectors") post the same batches
// at once (as an outbox's retries reach two collectors behind a balancer) and resend earlier
// ones, while each runs its own folder. Every event is stored once, the fold queue drains,
// and every fold table holds what one writer with one folder leaves.
import fc from 'fast-check';
import type pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { coocSettings } from '../../../server/cooc/options';
import { COLLECTOR_COOCCURRENCE } from '../../../server/cooccurrence-cache';
import { placementRules } from '../../../server/exposure-rules';
import { createPostgresFoldApply, startPostgresFold, type PostgresFold } from '../../../server/postgres/fold';
import { migratePostgres } from '../../../server/postgres/migrate';
import { createPostgresPool } from '../../../server/postgres/sql';
import { createPostgresWriter } from '../../../server/postgres/writer';
import { sitesFrom } from '../../../server/sites';
import { validateBatch } from '../../../server/validate-batch';
import type { ValidEvent } from '../../../server/validate-event';
import { eventStream, MINUTE, T0 } from '../fold/fold-fixtures';
import { describePostgres, freshDatabase } from './database';
import { dumpPostgresFold } from './fold-dump';

const sites = sitesFrom({ sites: { shop: { writeKeys: ['wk_test_0123456789abcdef'] } } });
const NOW = T0 + 4 * 24 * 60 * MINUTE;
const context = { rulesOf: placementRules(undefined), sites, cooc: coocSettings(COLLECTOR_COOCCURRENCE) };

// 240 events over four visitors, in batches of 8 (fixed seeds: the same stream on every run).
const events = fc.sample(eventStream(60), { numRuns: 4, seed: 16 }).flatMap((stream, s) => stream.map((e) => ({ ...e, messageId: `s${s}-${e.messageId}` })));
const batches: ValidEvent[][] = [];
for (let at = 0; at < events.length; at += 8) {
  const valid = validateBatch({ batch: events.slice(at, at + 8) }, 'shop', NOW);
  if (!valid.ok || valid.rejected.length) throw new Error('the generator made an invalid event');
  batches.push(valid.events);
}

const databases: string[] = [];
beforeAll(async () => {
  for (let i = 0; i < 2; i++) {
    const url = await freshDatabase();
    const pool = createPostgresPool(url);
    const client = await pool.connect();
    await migratePostgres(client);
    client.release();
    await pool.end();
    databases.push(url);
  }
});
const pools: pg.Pool[] = [];
const poolOf = (url: string) => {
  const pool = createPostgresPool({ connectionString: url, max: 3 });
  pools.push(pool);
  return pool;
};
afterAll(async () => {
  await Promise.all(pools.splice(0).map((p) => p.end()));
});

/**
 * The fold tables but what depends on where folds began: the fold count (`cooc_sites.version`),
 * and the last bits of the popularity scores, a sum of decayed terms grouped per fold (to 12 digits).
 */
async function foldRows(pool: pg.Pool) {
  const rows = await dumpPostgresFold(pool);
  const each = (table: string, change: (row: unknown[]) => unknown[]) => (rows[table] = rows[table].map((row) => JSON.stringify(change(JSON.parse(row) as unknown[]))));
  each('cooc_sites', (row) => row.filter((_, i) => i !== 5));
  each('cooc_popular', (row) => row.map((v) => (typeof v === 'number' ? Number(v.toPrecision(12)) : v)));
  return rows;
}

describePostgres('two collectors on one database', () => {
  it('store every event once and fold it once, with both folders racing, as one collector would', async () => {
    const one = poolOf(databases[0]);
    const alone = startPostgresFold(one, createPostgresFoldApply(context), { intervalMs: 60_000 });
    const writer = createPostgresWriter(one);
    for (const batch of batches) await writer.storeBatch(batch, NOW);
    await alone.settle();
    await alone.close();
    const expected = await foldRows(one);
    expect(expected.cohort_members.length).toBeGreaterThan(0);

    const collectors = [poolOf(databases[1]), poolOf(databases[1])].map((pool) => ({ pool, writer: createPostgresWriter(pool) }));
    // Each collector's folder (folds of 8 events every 2 ms) starts halfway, so the first folds
    // race over a long queue, and the rest meet at the lock while batches arrive.
    const folds: PostgresFold[] = [];
    const stored = await Promise.all(
      collectors.map(async ({ writer }, c) => {
        let count = 0;
        for (let b = 0; b < batches.length; b++) {
          count += (await writer.storeBatch(batches[b], NOW)).stored;
          // The second collector also gets an earlier batch again now and then (a retry after a lost answer).
          if (c === 1 && b % 5 === 4) expect((await writer.storeBatch(batches[b - 3], NOW)).stored).toBe(0);
          if (b === batches.length / 2) folds[c] = startPostgresFold(collectors[c].pool, createPostgresFoldApply(context), { intervalMs: 2, limit: 8 });
        }
        return count;
      }),
    );
    // The timed folds drain the rest, still racing; then both settle.
    const queued = async () => Number((await collectors[0].pool.query('SELECT count(*) AS n FROM fold_queue')).rows[0].n);
    for (let wait = 0; (await queued()) > 0 && wait < 400; wait++) await new Promise((resolve) => setTimeout(resolve, 5));
    await Promise.all(folds.map((fold) => fold.settle()));
    await Promise.all(folds.map((fold) => fold.close()));
    const [pool] = collectors.map((c) => c.pool);
    expect(stored[0] + stored[1]).toBe(events.length);
    const { rows } = await pool.query('SELECT (SELECT count(*) FROM events) AS events, (SELECT count(DISTINCT message_id) FROM events) AS ids, (SELECT count(*) FROM fold_queue) AS queued');
    expect(rows[0]).toEqual({ events: events.length, ids: events.length, queued: 0 });
    expect(await foldRows(pool)).toEqual(expected);
    const tokens = await pool.query("SELECT subject, token FROM change_tokens WHERE site = 'shop' ORDER BY subject");
    expect(tokens.rows.map((r) => r.subject)).toEqual(['products', 'report', 'stats']);
    expect(tokens.rows.every((r) => r.token > 0)).toBe(true);
  }, 120_000);
});
