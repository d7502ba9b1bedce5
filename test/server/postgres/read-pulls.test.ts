// `/v1/cooccurrence` and `/v1/popular` on PostgreSQL give SQLite's bodies byte for byte over
// copied state, and the list refresh of marked products gives SQLite's lists, also when
// two collectors refresh one site at once.
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { coocSettings } from '../../../server/cooc/options';
import { createServe } from '../../../server/cooc/serve';
import { COLLECTOR_COOCCURRENCE } from '../../../server/cooccurrence-cache';
import type { Db } from '../../../server/database';
import { migratePostgres } from '../../../server/postgres/migrate';
import { createPullReads } from '../../../server/postgres/read-pulls';
import { createPostgresRefresher } from '../../../server/postgres/read-refresh';
import { copyIntoPool } from './copy-from-sqlite';
import { describePostgres, freshDatabase } from './database';
import { generatedEvents, NOW, SETTINGS, SITE, sqliteState, type SqliteState } from './sqlite-state';

const COOC = ['cooc_top', 'cooc_products', 'cooc_sites', 'cooc_dirty', 'cooc_pairs', 'cooc_popular'];
const pools: pg.Pool[] = [];
const states: SqliteState[] = [];
afterAll(async () => {
  for (const s of states.splice(0)) await s.close();
  await Promise.all(pools.splice(0).map((p) => p.end()));
});

/** A migrated database holding a copy of `db`, with `n` pools on it. */
async function copied(db: Db, n = 1): Promise<pg.Pool[]> {
  const url = await freshDatabase();
  const made = Array.from({ length: n }, () => new pg.Pool({ connectionString: url, max: 2 }));
  pools.push(...made);
  await migratePostgres(made[0]);
  await copyIntoPool(db, made[0]);
  return made;
}

const rowText = (row: unknown[]) => JSON.stringify(row.map((v) => (typeof v === 'number' ? String(v) : v)));
const sqliteRows = (db: Db, table: string) => (db.prepare(`SELECT * FROM ${table}`).raw(true).all() as unknown[][]).map(rowText).sort();
const postgresRows = async (pool: pg.Pool, table: string, columns: string[]) =>
  (await pool.query({ text: `SELECT ${columns.join(', ')} FROM ${table}`, rowMode: 'array' })).rows.map(rowText).sort();
const columnsOf = (db: Db, table: string) => (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);

async function expectSameCooc(db: Db, pool: pg.Pool) {
  for (const table of COOC) expect(await postgresRows(pool, table, columnsOf(db, table)), table).toEqual(sqliteRows(db, table));
}

describePostgres('co-occurrence and popularity pulls on PostgreSQL', () => {
  let marked: SqliteState;
  beforeAll(async () => {
    marked = await sqliteState(generatedEvents(160, 29, 400));
    states.push(marked);
  });

  it('refreshes marked lists as SQLite does, then serves the same bytes', async () => {
    const [pool] = await copied(marked.db);
    const dirty = (marked.db.prepare('SELECT count(*) AS n FROM cooc_dirty').get() as { n: number }).n;
    expect(dirty, 'more marks than one chunk takes').toBeGreaterThan(200);
    // Readers holding the pieces read before the refresh re-read only what it stamped.
    const liteHeld = createServe(marked.db, SETTINGS, 4);
    const pgHeld = createPullReads(pool, SETTINGS);
    expect((await pgHeld.tables(SITE, NOW)).cooccurrence.body).toBe(liteHeld.tables(SITE, NOW).cooccurrence.body);
    // The copy is taken before SQLite refreshes: both start from the same marks.
    await Promise.all([marked.refresh(), createPostgresRefresher(pool, SETTINGS).refresh(SITE)]);
    const afterRefresh = liteHeld.tables(SITE, NOW);
    expect(afterRefresh.cooccurrence.body.length).toBeGreaterThan(1000);
    expect((await pgHeld.tables(SITE, NOW)).cooccurrence.body).toBe(afterRefresh.cooccurrence.body);
    expect((marked.db.prepare('SELECT count(*) AS n FROM cooc_dirty').get() as { n: number }).n).toBe(0);
    await expectSameCooc(marked.db, pool);

    for (const settings of [SETTINGS, coocSettings({ ...COLLECTOR_COOCCURRENCE, score: 'lift' })]) {
      const lite = createServe(marked.db, settings, 4).tables(SITE, NOW);
      const got = await createPullReads(pool, settings).tables(SITE, NOW);
      expect(lite.cooccurrence.body.length).toBeGreaterThan(1000);
      expect(got.cooccurrence.body).toBe(lite.cooccurrence.body);
      expect(got.cooccurrence.etag).toBe(lite.cooccurrence.etag);
      expect(got.popular).toEqual(lite.popular);
    }
    // Popularity decays to the collector's clock when that is earlier than the latest interaction.
    const early = NOW - 3 * 86_400_000;
    expect((await createPullReads(pool, SETTINGS).tables(SITE, early)).popular).toEqual(createServe(marked.db, SETTINGS, 4).tables(SITE, early).popular);
    const none = createServe(marked.db, SETTINGS, 4).tables('nobody', NOW);
    expect(await createPullReads(pool, SETTINGS).tables('nobody', NOW)).toEqual(none);
  });

  it('two collectors refreshing one site at once leave exactly the lists one refresh leaves', async () => {
    const state = await sqliteState(generatedEvents(160, 29, 400));
    states.push(state);
    const [a, b] = await copied(state.db, 2);
    await state.refresh();
    await Promise.all([createPostgresRefresher(a, SETTINGS).refresh(SITE), createPostgresRefresher(b, SETTINGS).refresh(SITE)]);
    await expectSameCooc(state.db, a);
    // Every chunk that changed lists bumped the products token, whichever collector ran it.
    const token = await a.query("SELECT token FROM change_tokens WHERE site = $1 AND subject = 'products'", [SITE]);
    expect(Number(token.rows[0].token)).toBeGreaterThan(1);
    const site = await a.query('SELECT lists FROM cooc_sites WHERE site = $1', [SITE]);
    expect(Number(site.rows[0].lists)).toBeGreaterThan(0);
  });
});
