/**
 * Reading stored events back as validation returned them, for the aggregates: the fold's
 * catch-up after a restart, and the rebuild of every aggregate when a schema-1 file is
 * upgraded.
 */
import { createAggregate } from './aggregates';
import type { Db } from './database';
import type { ValidEvent } from './validate-event';

/**
 * Derives every aggregate, `variant_stats` included, afresh from the stored events,
 * oldest first, a page at a time: the upgrade from schema 1, whose `variant_stats`
 * mixed holdout and treatment. Runs inside the migration's transaction.
 */
export function rebuildAggregates(db: Db): void {
  db.exec('DELETE FROM variant_stats');
  const aggregate = createAggregate(db);
  const page = db.prepare<[number, number], StoredRow>(
    `SELECT id, site, type, event, message_id, timestamp, anonymous_id, user_id, payload FROM events WHERE id > ? ORDER BY id LIMIT ?`,
  );
  for (let after = 0; ; ) {
    const rows = page.all(after, 5000);
    if (rows.length === 0) return;
    aggregate(rows.map(storedEvent));
    after = rows[rows.length - 1].id;
  }
}

/** An `events` row as the fold and the rebuild read it. */
export interface StoredRow {
  id: number;
  site: string;
  type: ValidEvent['type'];
  event: string | null;
  message_id: string;
  timestamp: string;
  anonymous_id: string | null;
  user_id: string | null;
  payload: string;
}

/** A stored event as validation returned it when it was accepted. */
export function storedEvent(row: StoredRow): ValidEvent {
  const raw = JSON.parse(row.payload) as { properties?: unknown };
  const properties = typeof raw.properties === 'object' && raw.properties !== null && !Array.isArray(raw.properties) ? raw.properties : {};
  return {
    site: row.site,
    type: row.type,
    event: row.event,
    messageId: row.message_id,
    timestamp: row.timestamp,
    time: Date.parse(row.timestamp),
    anonymousId: row.anonymous_id,
    userId: row.user_id,
    properties: properties as Record<string, unknown>,
    payload: row.payload,
  };
}
