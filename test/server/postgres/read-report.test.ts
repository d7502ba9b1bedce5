// The report's rows on PostgreSQL are SQLite's for copied state (so `/v1/report` is the same
// document), and a retention sweep deletes the same raw rows on both while the report and
// the pulls stay byte for byte what they were.
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createServe } from '../../../server/cooc/serve';
import { migratePostgres } from '../../../server/postgres/migrate';
import { createPullReads } from '../../../server/postgres/read-pulls';
import { createReportReads } from '../../../server/postgres/read-report';
import { createPostgresRetention } from '../../../server/postgres/retention';
import { buildReport } from '../../../server/report';
import { configFacts } from '../../../server/report-config';
import { createReportReader } from '../../../server/report-store';
import { createRetention } from '../../../server/retention';
import { sitesFrom } from '../../../server/sites';
import { T0 } from '../fold/fold-fixtures';
import { copyIntoPool } from './copy-from-sqlite';
import { describePostgres, freshDatabase } from './database';
import { generatedEvents, NOW, SETTINGS, SITE, sqliteState, type SqliteState } from './sqlite-state';

const DAY = 86_400_000;
const FIRST = Math.floor(T0 / DAY);
const RANGES: [number, number][] = [[FIRST - 1, FIRST + 5], [FIRST + 1, FIRST + 2], [FIRST, FIRST]];

let pool: pg.Pool;
let sqlite: SqliteState;

describePostgres('report rows and retention on PostgreSQL', () => {
  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: await freshDatabase(), max: 2 });
    await migratePostgres(pool);
    sqlite = await sqliteState(generatedEvents(80, 41, 12));
    await sqlite.refresh();
    // Received in id order over three and a half days, so a sweep takes the oldest events and keeps the others.
    const last = (sqlite.db.prepare('SELECT max(id) AS id FROM events').get() as { id: number }).id;
    sqlite.db.exec(`UPDATE events SET received_at = ${NOW - 3.5 * DAY} + id * ${Math.floor((3.5 * DAY) / last)}`);
    await copyIntoPool(sqlite.db, pool);
  });
  afterAll(async () => {
    await sqlite?.close();
    await pool?.end();
  });

  const report = async (read: ReturnType<typeof createReportReader>, [from, to]: [number, number]) =>
    JSON.stringify(buildReport({ site: SITE, fromDay: from, toDay: to, segment: null }, await read(SITE, from, to), configFacts(undefined), NOW));

  it('reads the same rows, in the same order, as SQLite: the same /v1/report', async () => {
    const lite = createReportReader(sqlite.db);
    const reads = createReportReads(pool);
    for (const range of RANGES) {
      const expected = await lite(SITE, ...range);
      const got = await reads(SITE, ...range);
      expect(got).toEqual(expected);
      expect(await report(reads, range)).toBe(await report(lite, range));
    }
    const whole = await lite(SITE, ...RANGES[0]);
    expect(whole.cohorts.length).toBeGreaterThan(20);
    expect(whole.counts.length).toBeGreaterThan(20);
    expect(whole.visitors).toBeGreaterThan(100);
    expect(await reads('nobody', ...RANGES[0])).toEqual(await lite('nobody', ...RANGES[0]));
  });

  it('a retention sweep deletes what SQLite deletes, and the report and the pulls stay byte for byte', async () => {
    const sites = sitesFrom({ sites: { [SITE]: { writeKeys: ['wk_test_0123456789abcdef'], retainDays: 2 } } });
    const clock = () => T0 + 3 * DAY;
    const pulls = createPullReads(pool, SETTINGS);
    const reads = createReportReads(pool);
    const before = { reports: await Promise.all(RANGES.map((r) => report(reads, r))), tables: await pulls.tables(SITE, NOW) };
    expect(before.tables).toEqual(createServe(sqlite.db, SETTINGS, 1).tables(SITE, NOW));

    const lite = createRetention({ db: sqlite.db, sites, clock, intervalMs: 0, batchRows: 100, onError: (e) => { throw e; } });
    const onPostgres = createPostgresRetention({ pool, sites, clock, intervalMs: 0, batchRows: 100, onError: (e) => { throw e; } });
    const expected = await lite.sweep();
    const swept = await onPostgres.sweep();
    await Promise.all([lite.close(), onPostgres.close()]);
    expect(expected.events).toBeGreaterThan(100);
    expect(expected.interactions).toBeGreaterThan(100);
    expect(swept).toEqual(expected);
    const ids = (sql: string) => (sqlite.db.prepare(sql).raw(true).all() as number[][]).map((r) => r[0]).sort((a, b) => a - b);
    const pgIds = async (sql: string) => (await pool.query({ text: sql, rowMode: 'array' })).rows.map((r) => Number(r[0])).sort((a, b) => a - b);
    expect(await pgIds('SELECT id FROM events')).toEqual(ids('SELECT id FROM events'));
    expect(await pgIds('SELECT id FROM interactions')).toEqual(ids('SELECT rowid FROM interactions'));
    expect(ids('SELECT id FROM events').length).toBeGreaterThan(100);

    expect(await Promise.all(RANGES.map((r) => report(reads, r)))).toEqual(before.reports);
    expect(await pulls.tables(SITE, NOW)).toEqual(before.tables);
    // A second sweep finds nothing more.
    const again = createPostgresRetention({ pool, sites, clock, intervalMs: 0, onError: (e) => { throw e; } });
    expect(await again.sweep()).toEqual({ events: 0, interactions: 0 });
    await again.close();
  });
});
