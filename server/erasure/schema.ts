/**
 * The tables and indexes erasure and retention need (a part of schema 2; see
 * server/database.ts).
 *
 * - `erasure_keys`: per site and anonymous id, the SHA-256 of the device's erasure
 *   secret, stored from the first batch that carried it (trust on first use), and when
 *   that visitor was erased. The digest of a random secret says nothing about the person;
 *   it is kept after an erasure so a repeated `forget` (a beacon, then the outbox's own
 *   send) still proves itself and erases anything that arrived in between.
 * - An index of `events` by user id, partial (only identified events pay for it), for
 *   erasure and export by user id. `events` by anonymous id and `interactions` by visitor
 *   are not indexed: that cost every event a quarter more CPU at ingest; they are read
 *   a window of row ids at a time instead (server/erasure/scan.ts). The report's
 *   per-visitor tables are keyed by site and visitor first already.
 */

/** Statements of this part, each CREATE … IF NOT EXISTS. */
export const ERASURE_TABLES = `
CREATE TABLE IF NOT EXISTS erasure_keys (
  site         TEXT    NOT NULL,
  anonymous_id TEXT    NOT NULL,
  hash         TEXT    NOT NULL,
  created_at   INTEGER NOT NULL,
  erased_at    INTEGER,
  PRIMARY KEY (site, anonymous_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS events_by_user_id ON events (site, user_id) WHERE user_id IS NOT NULL;
`;

/**
 * The tables holding rows about one visitor, and the column naming them (each indexed
 * by site and that column first, except `interactions`, which is scanned). Erasure and export walk this list, so a new
 * per-visitor table is added here and nowhere else; a table missing from the database
 * is skipped. `events` is handled apart (it names a visitor by two columns).
 */
export const VISITOR_TABLES: readonly { table: string; column: string }[] = [
  { table: 'interactions', column: 'visitor' },
  // The report's per-visitor rows (server/aggregates.ts).
  { table: 'cohort_members', column: 'visitor' },
  { table: 'visitor_days', column: 'visitor' },
  { table: 'row_clicks', column: 'visitor' },
  // Trigger detection's state per visitor (server/triggers/tables.ts), and deliveries not yet made about them.
  { table: 'trigger_visitors', column: 'visitor' },
  { table: 'trigger_views', column: 'visitor' },
  { table: 'trigger_carts', column: 'visitor' },
  { table: 'trigger_pending', column: 'visitor' },
  { table: 'webhook_deliveries', column: 'visitor' },
  // Co-occurrence's open baskets per visitor (server/cooc/schema.ts). Its pairs and counts
  // name no visitor: sums over many, which stay, like the report's daily rows.
  { table: 'cooc_sessions', column: 'visitor' },
];

/**
 * Tables linking ids of one person (server/identity.ts's `identity_links`: an id and
 * the user id it belongs to). Used only when the table exists, so erasure does not
 * depend on the order the schema's parts were added in.
 */
export const LINK_TABLES: readonly { table: string; id: string; user: string }[] = [{ table: 'identity_links', id: 'id', user: 'user_id' }];

/** True when the database has the table. */
export const hasTable = (db: { prepare(sql: string): { get(...params: unknown[]): unknown } }, name: string): boolean =>
  db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
