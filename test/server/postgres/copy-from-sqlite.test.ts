// The conformance tests' copy: every table of a SQLite collector's database arrives on
// PostgreSQL row for row, and ids inserted afterwards continue past the copied ones.
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { migratePostgres } from '../../../server/postgres/migrate';
import { POSTGRES_ONLY_COLUMNS, REPLACED_ON_POSTGRES } from '../../../server/postgres/schema';
import { copyFromSqlite } from './copy-from-sqlite';
import { describePostgres, freshDatabase } from './database';
import { generatedEvents, sqliteState, type SqliteState } from './sqlite-state';

let pool: pg.Pool;
let sqlite: SqliteState;

// A row as comparable text: int8 arrives from pg as a string, so numbers are compared as text.
const rowText = (row: unknown[]) => JSON.stringify(row.map((v) => (typeof v === 'number' || typeof v === 'bigint' ? String(v) : v)));

describePostgres('copyFromSqlite', () => {
  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: await freshDatabase(), max: 2 });
    await migratePostgres(pool);
    sqlite = await sqliteState(generatedEvents(20, 3));
  });
  afterAll(async () => {
    await sqlite?.close();
    await pool?.end();
  });

  it('copies every row of every table, and moves the identity sequences past the copied ids', async () => {
    const client = await pool.connect();
    let copied: Record<string, number>;
    try {
      copied = await copyFromSqlite(sqlite.db, client);
    } finally {
      client.release();
    }
    const tables = (sqlite.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[])
      .map((t) => t.name)
      .filter((t) => !(t in REPLACED_ON_POSTGRES));
    expect(Object.keys(copied).sort()).toEqual(tables.sort());
    for (const table of ['events', 'interactions', 'variant_stats', 'cohort_daily', 'cooc_pairs', 'trigger_visitors']) expect(copied[table], table).toBeGreaterThan(0);
    for (const table of tables) {
      const extra = POSTGRES_ONLY_COLUMNS[table] ?? [];
      const own = (sqlite.db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
      const columns = [...extra, ...own];
      const lite = (sqlite.db.prepare(`SELECT ${[...extra.map(() => 'rowid'), ...own].join(', ')} FROM ${table}`).raw(true).all() as unknown[][]).map(rowText).sort();
      const pgRows = (await pool.query({ text: `SELECT ${columns.join(', ')} FROM ${table}`, rowMode: 'array' })).rows.map(rowText).sort();
      expect(pgRows, table).toEqual(lite);
    }
    const maxEvent = (sqlite.db.prepare('SELECT max(id) AS id FROM events').get() as { id: number }).id;
    const next = await pool.query("INSERT INTO events (site, message_id, type, timestamp, received_at, payload) VALUES ('shop', 'after-copy', 'track', 't', 0, '{}') RETURNING id");
    expect(Number(next.rows[0].id)).toBe(maxEvent + 1);
    // An empty table's sequence starts at 1, as SQLite's rowid does.
    expect(copied.trigger_jobs).toBe(0);
    const job = await pool.query("INSERT INTO trigger_jobs (site, event, product_id, cause_at) VALUES ('shop', 'Back In Stock', 'p', 0) RETURNING id");
    expect(Number(job.rows[0].id)).toBe(1);
  });
});
