// @vitest-environment node
// The fold driver on PostgreSQL: one folder at a time (a second returns at once, or with
// `wait` folds after the first), a failing fold leaves its events queued, and every fold
// bumps the change tokens of the sites it touched.
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { coocSettings } from '../../../server/cooc/options';
import { COLLECTOR_COOCCURRENCE } from '../../../server/cooccurrence-cache';
import { placementRules } from '../../../server/exposure-rules';
import { createPostgresFoldApply, FOLD_LOCK, foldOnce, startPostgresFold, type PostgresFoldApply } from '../../../server/postgres/fold';
import { migratePostgres } from '../../../server/postgres/migrate';
import { createPostgresPool } from '../../../server/postgres/sql';
import { createPostgresWriter } from '../../../server/postgres/writer';
import { sitesFrom } from '../../../server/sites';
import { validateBatch } from '../../../server/validate-batch';
import { MINUTE, T0 } from '../fold/fold-fixtures';
import { describePostgres, freshDatabase } from './database';

const sites = sitesFrom({ sites: { shop: { writeKeys: ['wk_test_0123456789abcdef'] } } });
const apply = createPostgresFoldApply({ rulesOf: placementRules(undefined), sites, cooc: coocSettings(COLLECTOR_COOCCURRENCE) });
const NOW = T0 + MINUTE;

let url: string;
let pool: pg.Pool;
beforeAll(async () => {
  url = await freshDatabase();
  pool = createPostgresPool({ connectionString: url, max: 3 });
  const client = await pool.connect();
  await migratePostgres(client);
  client.release();
});
afterAll(async () => {
  await pool?.end();
});

let sent = 0;
async function store(count: number) {
  const batch = Array.from({ length: count }, () => ({ type: 'page', anonymousId: 'a1', messageId: `d${sent++}`, timestamp: new Date(T0).toISOString() }));
  const valid = validateBatch({ batch }, 'shop', NOW);
  if (!valid.ok) throw new Error(JSON.stringify(valid.errors));
  await createPostgresWriter(pool).storeBatch(valid.events, NOW);
}
const count = async (sql: string) => Number((await pool.query(sql)).rows[0].n);
const queued = () => count('SELECT count(*) AS n FROM fold_queue');
const pageViews = () => count("SELECT coalesce(sum(count), 0) AS n FROM daily_counts WHERE metric = 'page'");

describePostgres('the fold driver on PostgreSQL', () => {
  it('folds nothing while another folder holds the lock, and with `wait` folds once that one commits', async () => {
    await store(5);
    const other = new pg.Client(url);
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query('SELECT pg_advisory_xact_lock($1)', [FOLD_LOCK.toString()]);
      expect(await foldOnce(pool, apply, 100)).toBe(0);
      expect(await queued()).toBe(5);
      let folded: number | undefined;
      const waiting = foldOnce(pool, apply, 100, true).then((n) => (folded = n));
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(folded).toBeUndefined();
      await other.query('COMMIT');
      expect(await waiting).toBe(5);
    } finally {
      await other.end();
    }
    expect(await queued()).toBe(0);
    expect(await pageViews()).toBe(5);
  });

  it('a fold that fails leaves its events queued; the next folds them once', async () => {
    await store(3);
    let fail = true;
    const flaky: PostgresFoldApply = async (client, events) => {
      const tokens = await apply(client, events);
      if (fail) throw new Error('the fold failed after writing');
      return tokens;
    };
    const fold = startPostgresFold(pool, flaky, { intervalMs: 60_000 });
    try {
      await expect(fold.settle()).rejects.toThrow('the fold failed after writing');
      expect(await queued()).toBe(3);
      expect(await pageViews()).toBe(5);
      fail = false;
      await fold.settle();
    } finally {
      await fold.close();
    }
    expect(await queued()).toBe(0);
    expect(await pageViews()).toBe(8);
  });

  it('bumps the stats and report tokens of the folded sites once per fold', async () => {
    const token = async () => (await pool.query("SELECT subject, token FROM change_tokens WHERE site = 'shop' ORDER BY subject")).rows;
    const before = await token();
    await store(2);
    await foldOnce(pool, apply, 100);
    expect(await token()).toEqual(before.map(({ subject, token }) => ({ subject, token: token + 1 })));
  });
});
