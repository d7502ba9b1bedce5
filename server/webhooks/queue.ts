/**
 * The webhook queue, kept in the database so deliveries survive a restart: one row
 * per signal and endpoint, with its attempts and when it is next due. A delivery
 * leaves the queue when the endpoint accepts it, or when its last try failed.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../database';

/** The schema part (schema 2). */
export const WEBHOOK_TABLES = `
CREATE TABLE IF NOT EXISTS webhook_deliveries (
  id         TEXT    PRIMARY KEY,
  site       TEXT    NOT NULL,
  url        TEXT    NOT NULL,
  event      TEXT    NOT NULL,
  visitor    TEXT    NOT NULL,
  body       TEXT    NOT NULL,
  attempts   INTEGER NOT NULL DEFAULT 0,
  next_at    INTEGER NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS webhook_deliveries_by_due ON webhook_deliveries (next_at);
CREATE INDEX IF NOT EXISTS webhook_deliveries_by_visitor ON webhook_deliveries (site, visitor);
`;

/** A queued delivery. */
export interface Delivery {
  /** The idempotency id, sent with every try: the same for each retry of one delivery. */
  id: string;
  site: string;
  url: string;
  event: string;
  visitor: string;
  /** The JSON body, fixed when the signal fired, so each try sends the same bytes. */
  body: string;
  attempts: number;
  next_at: number;
  created_at: number;
}

/** The queue's statements. */
export interface WebhookQueue {
  /** Queues a delivery (once: the same signal to the same URL is queued only once). */
  enqueue(delivery: Omit<Delivery, 'attempts' | 'next_at' | 'created_at'>, now: number): boolean;
  /** Up to `limit` deliveries due at `now`, soonest first. */
  due(now: number, limit: number): Delivery[];
  /** The delivery was accepted (or is dropped): it leaves the queue. */
  remove(id: string): void;
  /** Another try failed: counts it and sets the next. */
  retryAt(id: string, attempts: number, nextAt: number): void;
  /** Deliveries waiting. */
  size(): number;
}

/** The idempotency id of a signal's delivery to one URL: deterministic, so a signal is queued once. */
export const deliveryId = (messageId: string, url: string): string =>
  `whd_${createHash('sha256').update(messageId).update('\0').update(url).digest('hex').slice(0, 32)}`;

/** Prepares the queue over a migrated database. */
export function createWebhookQueue(db: Db): WebhookQueue {
  const insert = db.prepare<[string, string, string, string, string, string, number, number]>(
    `INSERT OR IGNORE INTO webhook_deliveries (id, site, url, event, visitor, body, attempts, next_at, created_at)
     VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)`,
  );
  const selectDue = db.prepare<[number, number], Delivery>('SELECT * FROM webhook_deliveries WHERE next_at <= ? ORDER BY next_at LIMIT ?');
  const remove = db.prepare<[string]>('DELETE FROM webhook_deliveries WHERE id = ?');
  const retry = db.prepare<[number, number, string]>('UPDATE webhook_deliveries SET attempts = ?, next_at = ? WHERE id = ?');
  const count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM webhook_deliveries');
  return {
    enqueue: (d, now) => insert.run(d.id, d.site, d.url, d.event, d.visitor, d.body, now, now).changes > 0,
    due: (now, limit) => selectDue.all(now, limit),
    remove: (id) => void remove.run(id),
    retryAt: (id, attempts, nextAt) => void retry.run(attempts, nextAt, id),
    size: () => count.get()?.n ?? 0,
  };
}
