// Copies every table of a SQLite database into a migrated PostgreSQL database, column for
// column (schema.test.ts proves the columns match), so a conformance test reads the same
// state from both stores without the PostgreSQL write path. SQLite's rowid of
// `interactions` becomes its `id`; identity sequences are moved past the copied ids, so
// rows inserted afterwards get new ids as they would on SQLite.
import type pg from 'pg';
import type { Db } from '../../../server/database';
import { REPLACED_ON_POSTGRES, POSTGRES_ONLY_COLUMNS } from '../../../server/postgres/schema';

/** Rows per INSERT: one array parameter per column, whatever the count. */
const CHUNK = 20_000;

/** What {@link copyFromSqlite} copied: rows per table. */
export type Copied = Record<string, number>;

/**
 * Copies every row of every SQLite table (but those PostgreSQL replaces, e.g. `aggregate_mark`)
 * into the same table on PostgreSQL, in one transaction, then sets each identity sequence to the
 * table's largest id. The PostgreSQL tables are expected empty (a freshly migrated database).
 */
export async function copyFromSqlite(db: Db, client: pg.ClientBase): Promise<Copied> {
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[])
    .map((t) => t.name)
    .filter((name) => !(name in REPLACED_ON_POSTGRES));
  const types = new Map<string, string>();
  for (const row of (await client.query<{ table_name: string; column_name: string; udt_name: string }>(
    "SELECT table_name, column_name, udt_name FROM information_schema.columns WHERE table_schema = 'public'",
  )).rows) {
    types.set(`${row.table_name}.${row.column_name}`, row.udt_name);
  }
  const copied: Copied = {};
  await client.query('BEGIN');
  try {
    for (const table of tables) {
      const own = (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
      // A column only PostgreSQL has is SQLite's rowid, made explicit (interactions.id).
      const extra = POSTGRES_ONLY_COLUMNS[table] ?? [];
      const columns = [...extra, ...own];
      // WITHOUT ROWID tables have no rowid to name; only a table with an extra column needs it.
      const select = `SELECT ${[...extra.map(() => 'rowid'), ...own].join(', ')} FROM ${table}${extra.length ? ' ORDER BY rowid' : ''}`;
      const casts = columns.map((c, i) => {
        const type = types.get(`${table}.${c}`);
        if (!type) throw new Error(`copyFromSqlite: ${table}.${c} has no column on PostgreSQL`);
        return `$${i + 1}::${type}[]`;
      });
      const insert = `INSERT INTO ${table} (${columns.join(', ')}) SELECT * FROM unnest(${casts.join(', ')})`;
      let count = 0;
      let arrays: unknown[][] = columns.map(() => []);
      const flush = async () => {
        if (arrays[0].length === 0) return;
        await client.query(insert, arrays);
        count += arrays[0].length;
        arrays = columns.map(() => []);
      };
      for (const row of db.prepare(select).raw(true).iterate() as Iterable<unknown[]>) {
        row.forEach((value, i) => arrays[i].push(typeof value === 'bigint' ? value.toString() : value));
        if (arrays[0].length >= CHUNK) await flush();
      }
      await flush();
      copied[table] = count;
    }
    const identities = await client.query<{ table_name: string; column_name: string }>(
      "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND is_identity = 'YES'",
    );
    for (const { table_name: table, column_name: column } of identities.rows) {
      // is_called = false when empty: the next id is then 1, as on SQLite.
      await client.query(
        `SELECT setval(pg_get_serial_sequence($1, $2), coalesce((SELECT max(${column}) FROM ${table}), 1), (SELECT count(*) > 0 FROM ${table}))`,
        [table, column],
      );
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
  return copied;
}

/** {@link copyFromSqlite} over a client checked out of `pool` for the copy. */
export async function copyIntoPool(db: Db, pool: pg.Pool): Promise<Copied> {
  const client = await pool.connect();
  try {
    return await copyFromSqlite(db, client);
  } finally {
    client.release();
  }
}
