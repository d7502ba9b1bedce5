/**
 * Opens the collector's SQLite database and brings its schema up to date.
 */
import Database from 'better-sqlite3';
import { rebuildAggregates } from './aggregate-replay';
import { COOC_TABLES } from './cooc/schema';
import { IDENTITY_TABLES } from './identity';
import { ERASURE_TABLES } from './erasure/schema';
import { TRIGGER_TABLES } from './triggers/tables';
import { WEBHOOK_TABLES } from './webhooks/queue';

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
`;

// Version 2: the report's aggregates (server/aggregates.ts says what each row means).
// A cohort is a set of visitors (a variant's exposed visitors, a quiz's starters, the
// site-wide treatment and holdout); a member row holds one visitor's running figures,
// keyed by visitor first so an order finds every cohort its visitor is in, and erasure
// finds everything about one visitor. Daily rows are keyed by site and day first, so a
// report reads one index range.
const REPORT_TABLES = `
CREATE TABLE IF NOT EXISTS cohort_members (
  site        TEXT    NOT NULL,
  visitor     TEXT    NOT NULL,
  kind        TEXT    NOT NULL,
  subject     TEXT    NOT NULL,
  arm         TEXT    NOT NULL,
  grp         TEXT    NOT NULL,
  day         INTEGER NOT NULL,
  label       TEXT    NOT NULL,
  conversions INTEGER NOT NULL DEFAULT 0,
  value       REAL    NOT NULL DEFAULT 0,
  last_seen   INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (site, visitor, kind, subject, arm, grp)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS cohort_daily (
  site          TEXT    NOT NULL,
  day           INTEGER NOT NULL,
  kind          TEXT    NOT NULL,
  subject       TEXT    NOT NULL,
  arm           TEXT    NOT NULL,
  grp           TEXT    NOT NULL,
  label         TEXT    NOT NULL,
  visitors      INTEGER NOT NULL DEFAULT 0,
  impressions   INTEGER NOT NULL DEFAULT 0,
  converters    INTEGER NOT NULL DEFAULT 0,
  conversions   INTEGER NOT NULL DEFAULT 0,
  value         REAL    NOT NULL DEFAULT 0,
  value_squares REAL    NOT NULL DEFAULT 0,
  PRIMARY KEY (site, day, kind, subject, arm, grp, label)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS daily_counts (
  site   TEXT    NOT NULL,
  day    INTEGER NOT NULL,
  metric TEXT    NOT NULL,
  a      TEXT    NOT NULL,
  b      TEXT    NOT NULL,
  count  INTEGER NOT NULL DEFAULT 0,
  value  REAL    NOT NULL DEFAULT 0,
  PRIMARY KEY (site, day, metric, a, b)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS visitor_days (
  site    TEXT    NOT NULL,
  visitor TEXT    NOT NULL,
  kind    TEXT    NOT NULL,
  day     INTEGER NOT NULL,
  PRIMARY KEY (site, visitor, kind, day)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS day_links (
  site     TEXT    NOT NULL,
  kind     TEXT    NOT NULL,
  day      INTEGER NOT NULL,
  prev_day INTEGER NOT NULL,
  visitors INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (site, kind, day, prev_day)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS row_clicks (
  site       TEXT    NOT NULL,
  visitor    TEXT    NOT NULL,
  product_id TEXT    NOT NULL,
  list_id    TEXT    NOT NULL,
  time       INTEGER NOT NULL,
  PRIMARY KEY (site, visitor, product_id, list_id)
) WITHOUT ROWID;
`;

// Every table schema 2 adds, one part per concern (each owned by its module), applied in order.
// Each statement is CREATE … IF NOT EXISTS, so a part can be added before the schema is released.
const SCHEMA_V2 = [REPORT_TABLES, IDENTITY_TABLES, TRIGGER_TABLES, WEBHOOK_TABLES, ERASURE_TABLES].join('');

// Version 3: co-occurrence and popularity kept at ingest (server/cooc/schema.ts). Their
// rows for interactions stored before are built at start (server/cooc/replay.ts).
const SCHEMA_V3 = COOC_TABLES;

/** The schema version this collector writes. */
export const SCHEMA_VERSION = 3;

/** The busy timeout writes wait for another connection's write lock, in ms, unless told otherwise. */
export const DEFAULT_BUSY_TIMEOUT_MS = 100;

/** True for SQLite's "database is locked" (another connection holds the write lock past the busy timeout). */
export function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/**
 * Opens (creating if needed) the database at `file`, or an in-memory one for
 * `":memory:"`, in WAL mode, checks it with SQLite's own `PRAGMA quick_check`, and
 * creates the tables. Throws, naming the file, when it is corrupt or is no database.
 * `busyTimeoutMs` is how long a statement waits for another connection's write lock.
 */
export function openDatabase(file: string, busyTimeoutMs = DEFAULT_BUSY_TIMEOUT_MS): Db {
  let db: Db | undefined;
  try {
    db = new Database(file);
    // Checked before anything writes: a corrupt file refused at start is a backup to restore,
    // one accepted is wrong answers and failed writes later, in the middle of ingest.
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw Object.assign(new Error(`PRAGMA quick_check found: ${String(check)}`), { code: 'SQLITE_CORRUPT' });
    configureDatabase(db, busyTimeoutMs);
    migrate(db, rebuildAggregates);
    return db;
  } catch (error) {
    db?.close();
    const { code, message } = error as { code?: string; message: string };
    const corrupt = code?.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB';
    throw new Error(
      corrupt
        ? `database ${file} is corrupt or not an SQLite database (${message}); restore it from a backup or move it aside`
        : `database ${file} could not be opened: ${message}`,
      { cause: error },
    );
  }
}

/**
 * Sets the pragmas every connection of the collector uses: WAL (a setting of the file,
 * which the first connection makes, so `walSet` spares the others the lock it takes),
 * its checkpoints, the busy timeout.
 */
export function configureDatabase(db: Db, busyTimeoutMs: number, walSet = false): void {
  // WAL lets readers (stats requests, a test counting rows, sqlite3 in a shell) run while
  // a batch is written, and never makes a reader wait on a writer. synchronous=NORMAL is
  // WAL's recommended pairing: a crash of the process loses nothing; a power cut may lose
  // the last transactions, which the browsers' outboxes will resend and messageId deduplicates.
  if (!walSet) db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  // In WAL mode with synchronous=NORMAL the only fsyncs are at checkpoints; checkpointing
  // every ~40 MB of WAL instead of every 4 MB (the default 1000 pages) makes ingest
  // markedly faster on slow disks, and the WAL is truncated back afterwards.
  db.pragma('wal_autocheckpoint = 10000');
  db.pragma('journal_size_limit = 67108864');
  db.pragma('foreign_keys = ON');
  // better-sqlite3 is synchronous: while a statement waits for another process's write
  // lock (a backup, a shell), the whole event loop waits. So the wait is short, and a
  // write that cannot get the lock is answered 503 for the sender to retry.
  db.pragma(`busy_timeout = ${busyTimeoutMs}`);
}

/**
 * Brings the schema to {@link SCHEMA_VERSION}: a new file gets every table; a version-1
 * file gets the version-2 tables, then `rebuild` (run in the same transaction) derives
 * their rows from the stored events, so an upgrade loses nothing it could have counted;
 * a version-1 or 2 file gets the version-3 tables, whose rows the collector builds from
 * the stored interactions when it starts.
 * A current file is not written to at all, so a collector starts while a backup holds
 * the write lock. Throws for a file written by a newer collector.
 */
export function migrate(db: Db, rebuild: (db: Db) => void): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version === SCHEMA_VERSION) return;
  if (version > SCHEMA_VERSION) {
    throw new Error(`the database was written by a newer collector (schema ${version}; this one knows ${SCHEMA_VERSION}); upgrade attune`);
  }
  db.transaction(() => {
    if (version === 0) db.exec(SCHEMA + SCHEMA_V2 + SCHEMA_V3);
    else {
      if (version < 2) {
        db.exec(SCHEMA_V2);
        rebuild(db);
      }
      db.exec(SCHEMA_V3);
    }
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}
