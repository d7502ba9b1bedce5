/**
 * Reading a fold's stored rows with one statement per table, whatever the number of
 * visitors in the fold: the keys go in as one JSON array parameter and `json_each`
 * turns them into rows the table's primary key (or index) is searched with.
 *
 * Why not a statement per visitor: in-process SQLite makes that cheap, but a
 * PostgreSQL round trip costs ~0.1–0.3 ms (server/postgres/DESIGN.md); one statement
 * per table there is `WHERE (site, visitor) IN (SELECT * FROM unnest($1::text[], $2::text[]))`.
 * Measured here against a temporary table of keys: json_each is as fast and needs no
 * DDL inside the fold's transaction (see DESIGN-AMENDMENTS.md).
 */
import type { Db } from './database';

/** Keys of stored rows: each a tuple of the columns named, in order. */
export type KeyTuple = readonly (string | number)[];

// Enough keys per statement for any fold (MAX_QUEUED is 5,000 events) while keeping one
// parameter of bounded size: more than this is read in several statements.
const KEYS_PER_STATEMENT = 20_000;

/**
 * Prepares `SELECT columns FROM table WHERE (keyColumns) IN (keys)` and returns a reader
 * of every row whose key is among `keys` (duplicates are harmless).
 */
export function keyedReader<Row>(db: Db, table: string, keyColumns: readonly string[], columns: string): (keys: readonly KeyTuple[]) => Row[] {
  const picks = keyColumns.map((_, i) => `value->>${i}`).join(', ');
  const statement = db.prepare<[string], Row>(`SELECT ${columns} FROM ${table} WHERE (${keyColumns.join(', ')}) IN (SELECT ${picks} FROM json_each(?))`);
  return (keys) => {
    if (keys.length === 0) return [];
    if (keys.length <= KEYS_PER_STATEMENT) return statement.all(JSON.stringify(keys));
    const rows: Row[] = [];
    for (let i = 0; i < keys.length; i += KEYS_PER_STATEMENT) rows.push(...statement.all(JSON.stringify(keys.slice(i, i + KEYS_PER_STATEMENT))));
    return rows;
  };
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
