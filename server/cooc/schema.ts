/**
 * The tables of co-occurrence and popularity kept at ingest (schema 3; see
 * server/database.ts and, for PostgreSQL, server/postgres/schema.ts's migration 3).
 *
 * - `cooc_sites`: per site the options its state was built with, its baskets per kind,
 *   its latest interaction's time, a version bumped by every fold that changed it (the
 *   pull cache's key), `lists`, bumped by every refresh that changed a served list, and
 *   `replay` while its state waits to be rebuilt from the raw interactions (an upgraded
 *   file, or options that change the state).
 * - `cooc_pairs`: per site, kind and pair the proximity-weighted weight and the shared
 *   baskets, stored both ways (`product`, `other`), so a product's partners are one range.
 * - `cooc_products`: baskets holding each product, per kind, and the best score of a partner
 *   left out of its served list when it was computed (null: none left out), and the
 *   site's `lists` when its list last changed (what a held table re-reads, in any process).
 * - `cooc_sessions`: per visitor the open view session and last order (JSON arrays of
 *   product ids): the only rows naming a visitor, which erasure deletes.
 * - `cooc_popular`: per product the decayed scores of both half-lives, anchored at its
 *   latest interaction's time.
 * - `cooc_top`: the served neighbours per product and kind (unrounded; `lift` without its
 *   basket count factor), with an index by neighbour: a product whose baskets grew
 *   changes only the lists it is in.
 * - `cooc_dirty`: products whose lists are to be recomputed (server/cooc/refresh.ts).
 *
 * Aggregates without visitor ids: retention deletes raw interactions and these stay.
 */

/** Statements of this part, each CREATE … IF NOT EXISTS. */
export const COOC_TABLES = `
CREATE TABLE IF NOT EXISTS cooc_sites (
  site         TEXT    NOT NULL PRIMARY KEY,
  options      TEXT    NOT NULL,
  view_baskets INTEGER NOT NULL DEFAULT 0,
  buy_baskets  INTEGER NOT NULL DEFAULT 0,
  latest       INTEGER,
  version      INTEGER NOT NULL DEFAULT 0,
  lists        INTEGER NOT NULL DEFAULT 0,
  replay       INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS cooc_pairs (
  site    TEXT    NOT NULL,
  kind    TEXT    NOT NULL,
  product TEXT    NOT NULL,
  other   TEXT    NOT NULL,
  weight  REAL    NOT NULL DEFAULT 0,
  count   INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (site, kind, product, other)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS cooc_products (
  site    TEXT    NOT NULL,
  kind    TEXT    NOT NULL,
  product TEXT    NOT NULL,
  baskets INTEGER NOT NULL DEFAULT 0,
  cutoff  REAL,
  listed  INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (site, kind, product)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS cooc_sessions (
  site           TEXT NOT NULL,
  visitor        TEXT NOT NULL,
  view_last      INTEGER,
  view_products  TEXT,
  order_key      TEXT,
  order_products TEXT,
  PRIMARY KEY (site, visitor)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS cooc_popular (
  site     TEXT    NOT NULL,
  product  TEXT    NOT NULL,
  anchor   INTEGER NOT NULL,
  counts   REAL    NOT NULL,
  trending REAL    NOT NULL,
  PRIMARY KEY (site, product)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS cooc_top (
  site    TEXT NOT NULL,
  kind    TEXT NOT NULL,
  product TEXT NOT NULL,
  other   TEXT NOT NULL,
  score   REAL NOT NULL,
  PRIMARY KEY (site, kind, product, other)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS cooc_top_by_other ON cooc_top (site, kind, other);
CREATE TABLE IF NOT EXISTS cooc_dirty (
  site    TEXT NOT NULL,
  kind    TEXT NOT NULL,
  product TEXT NOT NULL,
  PRIMARY KEY (site, kind, product)
) WITHOUT ROWID;
`;

/** The same tables on PostgreSQL (INTEGER as BIGINT, REAL as DOUBLE PRECISION). */
export const COOC_TABLES_POSTGRES = COOC_TABLES.replaceAll(' IF NOT EXISTS', '')
  .replaceAll(') WITHOUT ROWID;', ');')
  .replace(/INTEGER/g, 'BIGINT')
  .replace(/REAL/g, 'DOUBLE PRECISION');
