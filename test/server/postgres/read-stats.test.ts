// `/v1/stats` on PostgreSQL gives SQLite's body for the same stored state (copied from a
// SQLite collector's database), and change tokens read what the fold bumps.
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { migratePostgres } from '../../../server/postgres/migrate';
import { createStatsReads, memoisedTokens } from '../../../server/postgres/read-stats';
import { statsResponse } from '../../../server/stats';
import { copyIntoPool } from './copy-from-sqlite';
import { describePostgres, freshDatabase } from './database';
import { generatedEvents, SITE, sqliteState, type SqliteState } from './sqlite-state';

let pool: pg.Pool;
let sqlite: SqliteState;

describePostgres('stats and change tokens on PostgreSQL', () => {
  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: await freshDatabase(), max: 2 });
    await migratePostgres(pool);
    sqlite = await sqliteState(generatedEvents(60, 16));
    // A second site whose rows sort between and around the first's, and bytes a locale would order otherwise.
    sqlite.db.exec(`INSERT INTO variant_stats (site, placement, variant, segment, impressions, conversions) VALUES
      ('other', 'hero', 'x', '', 5, 1), ('${SITE}', 'Zeta', 'b', '', 3, 0), ('${SITE}', 'zeta', 'B', 'é', 2, 2), ('${SITE}', 'zeta', 'a', 'E', 9007199254740991, 1)`);
    await copyIntoPool(sqlite.db, pool);
  });
  afterAll(async () => {
    await sqlite?.close();
    await pool?.end();
  });

  it('gives the same /v1/stats body as SQLite, row for row and in the same order', async () => {
    const reads = createStatsReads(pool);
    const expected = await sqlite.store.variantTotals(SITE);
    expect(expected.length).toBeGreaterThan(8);
    const got = await reads.variantTotals(SITE);
    expect(got).toEqual(expected);
    expect(JSON.stringify(statsResponse(SITE, got))).toBe(JSON.stringify(statsResponse(SITE, expected)));
    expect(await reads.variantTotals('nobody')).toEqual([]);
    expect(await reads.variantTotals('other')).toEqual(await sqlite.store.variantTotals('other'));
  });

  it('runs the settle hook before reading totals', async () => {
    const order: string[] = [];
    const reads = createStatsReads(pool, async () => void order.push('settled'));
    await reads.variantTotals(SITE);
    expect(order).toEqual(['settled']);
  });

  it('reads a change token per site and subject, 0 before the first bump', async () => {
    const reads = createStatsReads(pool);
    expect(await reads.changeToken(SITE, 'stats')).toBe(0);
    await pool.query("INSERT INTO change_tokens (site, subject, token) VALUES ($1, 'stats', 1), ($1, 'products', 7), ('other', 'stats', 3)", [SITE]);
    // What the fold runs for each site it touched.
    await pool.query("INSERT INTO change_tokens (site, subject) VALUES ($1, 'stats') ON CONFLICT (site, subject) DO UPDATE SET token = change_tokens.token + 1", [SITE]);
    expect(await reads.changeToken(SITE, 'stats')).toBe(2);
    expect(await reads.changeToken(SITE, 'products')).toBe(7);
    expect(await reads.changeToken(SITE, 'report')).toBe(0);
    expect(await reads.changeToken('other', 'stats')).toBe(3);
  });

  it('memoises a token for memoMs per site and subject, then asks again', async () => {
    let now = 0;
    let asked = 0;
    const reads = createStatsReads(pool);
    const token = memoisedTokens((site, subject) => (asked++, reads.changeToken(site, subject)), 250, () => now);
    const first = await token(SITE, 'products');
    await pool.query("UPDATE change_tokens SET token = token + 1 WHERE site = $1 AND subject = 'products'", [SITE]);
    now = 249;
    expect(await token(SITE, 'products')).toBe(first);
    expect(await token('other', 'products')).toBe(0);
    expect(asked).toBe(2);
    now = 250;
    expect(await token(SITE, 'products')).toBe(first + 1);
    expect(asked).toBe(3);
  });
});
