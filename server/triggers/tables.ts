/**
 * The tables of server-side trigger detection, a part of schema 2 (server/database.ts).
 *
 * Detection never scans history: ingest keeps a little state per visitor up to date
 * (server/triggers/ingest.ts), and each possible signal waits as one row in
 * `trigger_pending` until it is due, read by its `due_at` index a page at a time.
 */

/** The schema part: `CREATE … IF NOT EXISTS`, so it can join schema 2 at any time. */
export const TRIGGER_TABLES = `
CREATE TABLE IF NOT EXISTS trigger_visitors (
  site         TEXT    NOT NULL,
  visitor      TEXT    NOT NULL,
  anonymous_id TEXT,
  user_id      TEXT,
  first_seen   INTEGER NOT NULL,
  last_seen    INTEGER NOT NULL,
  orders       INTEGER NOT NULL DEFAULT 0,
  last_order   INTEGER NOT NULL DEFAULT 0,
  traits       TEXT    NOT NULL DEFAULT '{}',
  scores       TEXT    NOT NULL DEFAULT '{}',
  top_category TEXT,
  top_score    REAL    NOT NULL DEFAULT 0,
  top_at       INTEGER NOT NULL DEFAULT 0,
  arrival_at   INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (site, visitor)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS trigger_visitors_by_category ON trigger_visitors (site, top_category, visitor);
CREATE INDEX IF NOT EXISTS trigger_visitors_by_user ON trigger_visitors (site, user_id) WHERE user_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS trigger_views (
  site       TEXT    NOT NULL,
  product_id TEXT    NOT NULL,
  visitor    TEXT    NOT NULL,
  views      INTEGER NOT NULL,
  last_view  INTEGER NOT NULL,
  price      REAL,
  bought     INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (site, product_id, visitor)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS trigger_views_by_visitor ON trigger_views (site, visitor);
CREATE TABLE IF NOT EXISTS trigger_carts (
  site       TEXT    NOT NULL,
  visitor    TEXT    NOT NULL,
  items      TEXT    NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (site, visitor)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS trigger_pending (
  site     TEXT    NOT NULL,
  visitor  TEXT    NOT NULL,
  kind     TEXT    NOT NULL,
  subject  TEXT    NOT NULL,
  cause_at INTEGER NOT NULL,
  due_at   INTEGER NOT NULL,
  PRIMARY KEY (site, visitor, kind, subject)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS trigger_pending_by_due ON trigger_pending (due_at);
CREATE TABLE IF NOT EXISTS trigger_catalog (
  site       TEXT NOT NULL,
  product_id TEXT NOT NULL,
  product    TEXT NOT NULL,
  PRIMARY KEY (site, product_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS trigger_jobs (
  id             INTEGER PRIMARY KEY,
  site           TEXT    NOT NULL,
  event          TEXT    NOT NULL,
  product_id     TEXT    NOT NULL,
  cause_at       INTEGER NOT NULL,
  previous_price REAL,
  audience       TEXT    NOT NULL DEFAULT '',
  cursor         TEXT    NOT NULL DEFAULT ''
);
`;
