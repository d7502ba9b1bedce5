/**
 * The trigger and webhook due queues on PostgreSQL, for many collectors: a due row is
 * claimed by exactly one of them. SQLite's (server/triggers/pending.ts,
 * server/webhooks/queue.ts) run in one process, where reading a due page and acting on
 * it cannot race; here two collectors reading `due_at <= now` at once would both fire a
 * signal or send a webhook.
 *
 * - Pending signals are fired inside the transaction that claims them (the detector
 *   writes the signal and its deliveries there): the page is read `FOR UPDATE SKIP
 *   LOCKED`, so another collector skips the rows this one holds and takes the next.
 * - Webhook deliveries go out over HTTP, too slow to hold a transaction open for: a
 *   claim moves the rows' `next_at` a lease ahead in one statement (rows picked `FOR
 *   UPDATE SKIP LOCKED`), so they are no longer due for anyone else. Accepted: removed;
 *   failed: `retryAt`; a collector that dies leaves them due again when the lease ends,
 *   and the retry carries the same idempotency id (at least once, as on SQLite).
 */
import type pg from 'pg';
import type { PendingRow } from '../triggers/pending';
import type { Delivery } from '../webhooks/queue';
import { num, type Pool } from './read-snapshot';

/** What a claimed page's handler may do with its rows, in the claiming transaction. */
export interface ClaimedPending {
  /** The transaction's client: the detector's own writes (signal events, deliveries) go here. */
  client: pg.PoolClient;
  /** The visitor came back: the row waits until `dueAt`. */
  postpone(row: PendingRow, dueAt: number): Promise<void>;
  remove(row: PendingRow): Promise<void>;
}

/** Pending signals, claimed a page at a time. */
export interface PostgresPendingQueue {
  /**
   * Claims up to `limit` rows due at `now`, soonest first, that no other collector holds,
   * and runs `handle` on them in the claiming transaction; commits when it resolves, rolls
   * back (the rows stay due) when it throws. Resolves with what `handle` returned.
   */
  claimDue<T>(now: number, limit: number, handle: (rows: PendingRow[], tx: ClaimedPending) => Promise<T>): Promise<T>;
}

const PENDING = {
  due: 'SELECT site, visitor, kind, subject, cause_at, due_at FROM trigger_pending WHERE due_at <= $1 ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED',
  setDue: 'UPDATE trigger_pending SET due_at = $1 WHERE site = $2 AND visitor = $3 AND kind = $4 AND subject = $5',
  remove: 'DELETE FROM trigger_pending WHERE site = $1 AND visitor = $2 AND kind = $3 AND subject = $4',
} as const;

/** Creates the pending queue over a pool. */
export function createPostgresPendingQueue(pool: Pool): PostgresPendingQueue {
  return {
    async claimDue(now, limit, handle) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const rows = (await client.query({ name: 'attune_pending_due', text: PENDING.due, values: [now, limit] })).rows.map(
          (r): PendingRow => ({ site: r.site, visitor: r.visitor, kind: r.kind, subject: r.subject, cause_at: num(r.cause_at), due_at: num(r.due_at) }),
        );
        const result = await handle(rows, {
          client,
          postpone: async (row, dueAt) => void (await client.query({ name: 'attune_pending_set_due', text: PENDING.setDue, values: [dueAt, row.site, row.visitor, row.kind, row.subject] })),
          remove: async (row) => void (await client.query({ name: 'attune_pending_remove', text: PENDING.remove, values: [row.site, row.visitor, row.kind, row.subject] })),
        });
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
  };
}

/** The webhook queue: SQLite's operations, asynchronous, with `due` replaced by a claim. */
export interface PostgresWebhookQueue {
  /** Queues a delivery (once: the same signal to the same URL is queued only once). */
  enqueue(delivery: Omit<Delivery, 'attempts' | 'next_at' | 'created_at'>, now: number): Promise<boolean>;
  /**
   * Up to `limit` deliveries due at `now`, soonest first, claimed for `leaseMs`: no other
   * collector gets them until then. Each comes back with the `next_at` it was due at.
   */
  claimDue(now: number, limit: number, leaseMs: number): Promise<Delivery[]>;
  /** The delivery was accepted (or is dropped): it leaves the queue. */
  remove(id: string): Promise<void>;
  /** Another try failed: counts it and sets the next. */
  retryAt(id: string, attempts: number, nextAt: number): Promise<void>;
  /** Deliveries waiting. */
  size(): Promise<number>;
}

const WEBHOOKS = {
  insert: `INSERT INTO webhook_deliveries (id, site, url, event, visitor, body, attempts, next_at, created_at)
    VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $7) ON CONFLICT (id) DO NOTHING`,
  // The old next_at is returned (the CTE reads the rows before the update): the caller sees when each was due.
  claim: `WITH due AS (SELECT id, next_at FROM webhook_deliveries WHERE next_at <= $1 ORDER BY next_at LIMIT $2 FOR UPDATE SKIP LOCKED)
    UPDATE webhook_deliveries w SET next_at = $3 FROM due WHERE w.id = due.id
    RETURNING w.id, w.site, w.url, w.event, w.visitor, w.body, w.attempts, due.next_at, w.created_at`,
  remove: 'DELETE FROM webhook_deliveries WHERE id = $1',
  retry: 'UPDATE webhook_deliveries SET attempts = $1, next_at = $2 WHERE id = $3',
  count: 'SELECT count(*) AS n FROM webhook_deliveries',
} as const;

/** Creates the webhook queue over a pool. */
export function createPostgresWebhookQueue(pool: Pool): PostgresWebhookQueue {
  const q = (name: keyof typeof WEBHOOKS, values: unknown[] = []) => pool.query({ name: `attune_webhooks_${name}`, text: WEBHOOKS[name], values });
  return {
    enqueue: async (d, now) => ((await q('insert', [d.id, d.site, d.url, d.event, d.visitor, d.body, now])).rowCount ?? 0) > 0,
    async claimDue(now, limit, leaseMs) {
      const { rows } = await q('claim', [now, limit, now + leaseMs]);
      return rows
        .map((r): Delivery => ({ id: r.id, site: r.site, url: r.url, event: r.event, visitor: r.visitor, body: r.body, attempts: num(r.attempts), next_at: num(r.next_at), created_at: num(r.created_at) }))
        .sort((a, b) => a.next_at - b.next_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    },
    remove: async (id) => void (await q('remove', [id])),
    retryAt: async (id, attempts, nextAt) => void (await q('retry', [attempts, nextAt, id])),
    size: async () => num((await q('count')).rows[0].n),
  };
}
