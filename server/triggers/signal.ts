/**
 * Recording a trigger signal: a Segment-shaped track event stored in `events` with a
 * messageId derived from its site, visitor, name and cause, so one cause is stored,
 * counted and delivered once however often detection meets it. It is counted in the
 * report's signals of the day, and queued for each of the site's webhooks that asked
 * for its name, with the visitor's user id and the traits that webhook chose.
 */
import { createHash } from 'node:crypto';
import type { JsonObject } from '../../src/core/types';
import { dayOf } from '../aggregates';
import type { Db } from '../database';
import type { SiteRegistry } from '../sites';
import { deliveryId, type WebhookQueue } from '../webhooks/queue';
import type { VisitorRow } from './visitors';

/** The trigger signals the collector detects (the design map's names). */
export type SignalName = 'Cart Abandoned' | 'Browse Abandoned' | 'Back In Stock' | 'Price Drop' | 'New Arrival' | 'Win-back';

/** A detected signal, before it is stored. */
export interface Signal {
  visitor: VisitorRow;
  event: SignalName;
  /** What caused it (a cart's last change, a restock's time and product…): one signal per visitor and cause. */
  cause: string;
  properties: JsonObject;
}

/** The library named in a signal's `context`, so a warehouse tells server signals from the SDK's. */
export const SIGNAL_LIBRARY = { name: 'attune-collector', version: '0.1.0' };

/** The messageId of a signal: deterministic in its site, visitor, name and cause. */
export const signalMessageId = (site: string, visitor: string, event: string, cause: string): string =>
  `sig-${createHash('sha256').update([site, visitor, event, cause].join('\0')).digest('hex').slice(0, 40)}`;

/**
 * True for a signal this collector recorded (its messageId is {@link signalMessageId}'s):
 * counted where it is recorded and no visit, so the aggregates and trigger state skip it.
 */
export const isServerSignal = (e: { messageId: string; event: string | null }): boolean =>
  e.messageId.startsWith('sig-') && e.event !== null && SIGNAL_NAMES.has(e.event);

const SIGNAL_NAMES = new Set<string>(['Cart Abandoned', 'Browse Abandoned', 'Back In Stock', 'Price Drop', 'New Arrival', 'Win-back']);

/** Records signals; true when the signal is new (and so was counted and queued). */
export type RecordSignal = (signal: Signal, now: number) => boolean;

/** Prepares the statements; call the result inside a write transaction. */
export function createSignalRecorder(db: Db, sites: SiteRegistry, queue: WebhookQueue): RecordSignal {
  const insert = db.prepare<[string, string, string, string | null, string | null, string, number, string]>(
    `INSERT OR IGNORE INTO events (site, message_id, type, event, anonymous_id, user_id, timestamp, received_at, payload)
     VALUES (?, ?, 'track', ?, ?, ?, ?, ?, ?)`,
  );
  const count = db.prepare<[string, number, string]>(
    `INSERT INTO daily_counts (site, day, metric, a, b, count, value) VALUES (?, ?, 'signal', ?, '', 1, 0)
     ON CONFLICT (site, day, metric, a, b) DO UPDATE SET count = count + 1`,
  );
  return ({ visitor, event, cause, properties }, now) => {
    const { site } = visitor;
    const messageId = signalMessageId(site, visitor.visitor, event, cause);
    const timestamp = new Date(now).toISOString();
    // A visitor known only by a user id keeps it as the event's only id, as ingest saw it.
    const anonymousId = visitor.anonymous_id ?? (visitor.user_id === null ? visitor.visitor : null);
    const payload = { type: 'track', event, messageId, anonymousId, userId: visitor.user_id, timestamp, properties, context: { library: SIGNAL_LIBRARY } };
    const { changes } = insert.run(site, messageId, event, anonymousId, visitor.user_id, timestamp, now, JSON.stringify(payload));
    if (changes === 0) return false;
    // Counted here, not by the ingest aggregates: a signal is no visit, so it must not
    // mark the visitor active that day (nor reset the clocks detection reads).
    count.run(site, dayOf(now), event);
    const traits = JSON.parse(visitor.traits) as Record<string, unknown>;
    for (const hook of sites.get(site)?.webhooks ?? []) {
      if (!hook.events.includes(event)) continue;
      const id = deliveryId(messageId, hook.url);
      const chosen: Record<string, unknown> = {};
      for (const name of hook.traits) if (Object.hasOwn(traits, name)) chosen[name] = traits[name];
      const body = JSON.stringify({ id, event, site, messageId, timestamp, userId: visitor.user_id, anonymousId, traits: chosen, properties });
      queue.enqueue({ id, site, url: hook.url, event, visitor: visitor.visitor, body }, now);
    }
    return true;
  };
}
