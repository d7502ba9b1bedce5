/**
 * Opens the collector's SQLite database and brings its schema up to date.
 */
import Database from 'better-sqlite3';

/** An open better-sqlite3 connection. */
export type Db = Database.Database;

// Version 1. `events` keeps every accepted event as sent (the source of truth, and what
// an export to a warehouse would read); `variant_stats` and `interactions` are derived
// in the same transaction so /v1/stats and /v1/cooccurrence never rescan raw JSON.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  id           INTEGER PRIMARY KEY,
  site         TEXT    NOT NULL,
  message_id   TEXT    NOT NULL,
  type         TEXT    NOT NULL,
  event        TEXT,
  anonymous_id TEXT,
  user_id      TEXT,
  timestamp    TEXT    NOT NULL,
  received_at  INTEGER NOT NULL,
  payload      TEXT    NOT NULL,
  UNIQUE (site, message_id)
);
CREATE TABLE IF NOT EXISTS variant_stats (
  site        TEXT    NOT NULL,
  placement   TEXT    NOT NULL,
  variant     TEXT    NOT NULL,
  segment     TEXT    NOT NULL,
  impressions INTEGER NOT NULL DEFAULT 0,
  conversions INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (site, placement, variant, segment)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS interactions (
  site       TEXT    NOT NULL,
  kind       TEXT    NOT NULL,
  product_id TEXT    NOT NULL,
  visitor    TEXT    NOT NULL,
  time       INTEGER NOT NULL,
  order_id   TEXT
);
CREATE INDEX IF NOT EXISTS interactions_by_site ON interactions (site);
PRAGMA user_version = 1;
`;

/**
 * Opens (creating if needed) the database at `file`, or an in-memory one for
 * `":memory:"`, in WAL mode, and creates the tables.
 */
export function openDatabase(file: string): Db {
  const db = new Database(file);
  // WAL lets readers (stats requests, a test counting rows, sqlite3 in a shell) run while
  // a batch is written. synchronous=NORMAL is WAL's recommended pairing: a crash of the
  // process loses nothing; a power cut may lose the last transactions, which the
  // browsers' outboxes will resend and messageId deduplicates.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  // In WAL mode with synchronous=NORMAL the only fsyncs are at checkpoints; checkpointing
  // every ~40 MB of WAL instead of every 4 MB (the default 1000 pages) makes ingest
  // markedly faster on slow disks, and the WAL is truncated back afterwards.
  db.pragma('wal_autocheckpoint = 10000');
  db.pragma('journal_size_limit = 67108864');
  db.pragma('foreign_keys = ON');
  // Another process holding the write lock (a backup, a shell) is waited for, not failed on.
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  return db;
}
