/**
 * Reading a fold's stored rows with one statement per table, whatever the number of
 * visitors in the fold: the keys go in as one JSON array parameter and `json_each`
 * turns them into rows the table's primary key is searched with. Rows come back as
 * arrays (better-sqlite3's raw mode): building an object per row cost more than the
 * search itself.
 *
 * Why not a statement per visitor: in-process SQLite makes that cheap, but a
 * PostgreSQL round trip costs ~0.1–0.3 ms (server/postgres/DESIGN.md); one statement
 * per table there is `WHERE (site, visitor) IN (SELECT * FROM unnest($1::text[], $2::text[]))`.
 * Measured on SQLite (DESIGN-AMENDMENTS.md): json_each, a temporary table of keys and a
 * statement per key cost about the same per key at 1,000 keys; the temporary table
 * costs most for small folds, and needs DDL inside the fold's transaction.
 */
import type { Db } from './database';

/** Keys of stored rows: each a tuple of the columns named, in order. */
export type KeyTuple = readonly (string | number)[];

/** A stored row in column order. */
export type RawRow = unknown[];

/** `SELECT value->>0, …, value->>(width−1) FROM json_each(?)`: a JSON array of key tuples as rows. */
export const jsonKeys = (width: number): string => `SELECT ${Array.from({ length: width }, (_, i) => `value->>${i}`).join(', ')} FROM json_each(?)`;

/**
 * Prepares `sql`, whose every `?` is a JSON array of keys (see {@link jsonKeys}), and
 * returns a reader of its rows as arrays, given one list of keys per `?` (or one list
 * for all of them). A fold has at most MAX_QUEUED events, so one parameter holds them all.
 */
export function keysReader(db: Db, sql: string): (...lists: (readonly KeyTuple[])[]) => RawRow[] {
  const statement = db.prepare(sql).raw(true);
  const parameters = sql.split('?').length - 1;
  return (...lists) => {
    if (lists.every((keys) => keys.length === 0)) return [];
    const json = lists.map((keys) => JSON.stringify(keys));
    return statement.all(...Array.from({ length: parameters }, (_, i) => json[lists.length === 1 ? 0 : i])) as RawRow[];
  };
}

/** A reader of `columns` of `table`'s rows whose `keyColumns` are among the keys given. */
export function keyedReader(db: Db, table: string, keyColumns: readonly string[], columns: string): (keys: readonly KeyTuple[]) => RawRow[] {
  return keysReader(db, `SELECT ${columns} FROM ${table} WHERE (${keyColumns.join(', ')}) IN (${jsonKeys(keyColumns.length)})`);
}

const sameKey = (a: KeyTuple, b: KeyTuple) => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

/**
 * The distinct keys of a list, in first-seen order. A fold's events are sorted by
 * visitor, so most keys repeat the one before: those are skipped without joining them.
 */
export function distinctKeys(keys: Iterable<KeyTuple>): KeyTuple[] {
  const seen = new Map<string, KeyTuple>();
  let previous: KeyTuple | undefined;
  for (const key of keys) {
    if (previous !== undefined && sameKey(key, previous)) continue;
    previous = key;
    const id = key.join('\0');
    if (!seen.has(id)) seen.set(id, key);
  }
  return [...seen.values()];
}
