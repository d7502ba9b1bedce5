/**
 * The batch writer on PostgreSQL: the `BatchWriter` contract of server/event-store.ts, with
 * the same answer, over a pool shared by any number of collectors.
 *
 * One transaction per batch: the events with one unnest `INSERT … ON CONFLICT (site,
 * message_id) DO NOTHING RETURNING`, whose CTE queues each returned id in `fold_queue`;
 * then interactions of the returned events only, and the erasure key. Another
 * collector's uncommitted insert of the same messageId makes this one wait on the index
 * entry and skip it once that commits (or store it if that rolls back), so each event is
 * returned, and derives rows, exactly once (server/postgres/DESIGN.md). Rows go in sorted
 * by message id, so overlapping batches take their locks in one order and wait rather
 * than deadlock; a deadlock or serialisation failure all the same is retried whole.
 */
import type pg from 'pg';
import { interactionsOf } from '../derive';
import type { BatchWriter, OnStored } from '../event-store';
import type { ValidEvent } from '../validate-event';
import { inTransaction, unnestWriter, type Column } from './sql';

const EVENT_COLUMNS: Column[] = [
  ['site', 'text'], ['message_id', 'text'], ['type', 'text'], ['event', 'text'], ['anonymous_id', 'text'],
  ['user_id', 'text'], ['timestamp', 'text'], ['received_at', 'bigint'], ['payload', 'text'],
];

// Ids are drawn in batch order (the fold folds a visitor's events in id order, as SQLite
// does), then the rows go in sorted by message id (every writer locks keys in one order).
// A row skipped as a duplicate leaves a gap in the ids, which nothing reads.
const NAMES = EVENT_COLUMNS.map(([name]) => name).join(', ');
const STORE_EVENTS = `WITH numbered AS (
    SELECT nextval(pg_get_serial_sequence('events', 'id')) AS id, ${NAMES}
    FROM (SELECT * FROM unnest(${EVENT_COLUMNS.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')}) WITH ORDINALITY AS r(${NAMES}, ord) ORDER BY ord) r),
  stored AS (
    INSERT INTO events (id, ${NAMES}) SELECT id, ${NAMES} FROM numbered ORDER BY message_id
    ON CONFLICT (site, message_id) DO NOTHING RETURNING id, site, message_id),
  queued AS (INSERT INTO fold_queue (event_id) SELECT id FROM stored)
  SELECT id, site, message_id FROM stored`;

const insertInteractions = unnestWriter(
  'interactions',
  [['site', 'text'], ['kind', 'text'], ['product_id', 'text'], ['visitor', 'text'], ['time', 'bigint'], ['order_id', 'text']],
  '',
);

const INSERT_KEY = 'INSERT INTO erasure_keys (site, anonymous_id, hash, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING';

/**
 * Creates the writer over a pool of a migrated database (see `createPostgresPool`, whose
 * parsers return ids as numbers). `onStored` is told each committed batch's newly stored
 * events with their ids, in id order; the fold reads them from `fold_queue` anyway, so it
 * is for observers (tests, metrics), not for exactly-once.
 */
export function createPostgresWriter(pool: pg.Pool, onStored: OnStored = () => undefined): BatchWriter {
  return {
    async storeBatch(events, receivedAt, erasureKey) {
      // A messageId twice in one batch: the first is the one stored, as SQLite's INSERT OR IGNORE in order does.
      const unique = new Map<string, ValidEvent>();
      for (const e of events) {
        const key = `${e.site}\0${e.messageId}`;
        if (!unique.has(key)) unique.set(key, e);
      }
      const stored = await inTransaction(pool, async (client) => {
        const rows = [...unique.values()];
        const values = EVENT_COLUMNS.map(() => new Array<unknown>(rows.length));
        rows.forEach((e, r) => {
          const row = [e.site, e.messageId, e.type, e.event, e.anonymousId, e.userId, e.timestamp, receivedAt, e.payload];
          for (let c = 0; c < row.length; c++) values[c][r] = row[c] ?? null;
        });
        const result = await client.query<{ id: number; site: string; message_id: string }>(STORE_EVENTS, values);
        const ids = new Map(result.rows.map((row) => [`${row.site}\0${row.message_id}`, Number(row.id)]));
        // In batch order, as SQLite inserts them; only events this transaction stored derive rows.
        const kept: [number, ValidEvent][] = [];
        const interactions: unknown[][] = [];
        for (const [key, e] of unique) {
          const id = ids.get(key);
          if (id === undefined) continue;
          kept.push([id, e.raw ? { ...e, raw: undefined } : e]);
          for (const i of interactionsOf(e)) interactions.push([e.site, i.kind, i.productId, i.visitor, i.time, i.order ?? null]);
        }
        await insertInteractions(client, interactions);
        if (erasureKey) await client.query(INSERT_KEY, [erasureKey.site, erasureKey.anonymousId, erasureKey.hash, receivedAt]);
        return kept;
      });
      // Handed on only once committed: a rolled-back batch adds nothing.
      onStored(stored.sort(([a], [b]) => a - b));
      return { stored: stored.length, duplicates: events.length - stored.length };
    },
  };
}
