// Every fold table's rows on both stores, in one form (each row as JSON of its columns in
// order, sorted), so a test compares SQLite and PostgreSQL with toEqual. The pool's parsers
// (server/postgres/sql.ts) return BIGINT as numbers; DOUBLE PRECISION comes back exact.
import type pg from 'pg';
import type { Db } from '../../../server/database';
import { FOLD_TABLES } from '../fold/fold-fixtures';

/**
 * Every table a fold writes, with the columns compared. Co-occurrence's `cutoff`, `listed`
 * and `lists` are the served lists' refresh (server/cooc/refresh.ts), which runs after the
 * fold on a timer on SQLite and is the PostgreSQL reads' part: left out here.
 */
export const COMPARED_TABLES: Record<string, string> = {
  ...Object.fromEntries(FOLD_TABLES.map((table) => [table, '*'])),
  cooc_pairs: '*',
  cooc_products: 'site, kind, product, baskets',
  cooc_sessions: '*',
  cooc_popular: '*',
  cooc_sites: 'site, options, view_baskets, buy_baskets, latest, version, replay',
};

/** The compared rows of a SQLite database. */
export function dumpSqliteFold(db: Db): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [table, columns] of Object.entries(COMPARED_TABLES)) {
    out[table] = db.prepare(`SELECT ${columns} FROM ${table}`).raw(true).all().map((row) => JSON.stringify(row)).sort();
  }
  return out;
}

/** The compared rows of a PostgreSQL database (over a pool made by `createPostgresPool`). */
export async function dumpPostgresFold(pool: pg.Pool): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const [table, columns] of Object.entries(COMPARED_TABLES)) {
    const { rows } = await pool.query({ text: `SELECT ${columns} FROM ${table}`, rowMode: 'array' });
    out[table] = rows.map((row) => JSON.stringify(row)).sort();
  }
  return out;
}
