/**
 * Erasing visitors: the erasure keys that prove a device may erase its own anonymous
 * id (trust on first use, see server/README.md "Erasure"), and the deletion of every
 * row about a set of visitor ids in one transaction. Aggregates that hold no personal
 * data (`cohort_daily`, `daily_counts`, `day_links`, `variant_stats`) stay: they are
 * sums over many visitors, and taking one out again is not possible without the rows.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { settleFold } from '../aggregate-fold';
import type { Db } from '../database';
import { createVisitorScan } from './scan';
import { hasTable, LINK_TABLES, VISITOR_TABLES } from './schema';

/** The ids erased together: one person's anonymous ids and user ids. */
export interface VisitorIds {
  anonymousIds: string[];
  userIds: string[];
}

/** Rows deleted per table. */
export type ErasedCounts = Record<string, number>;

/** What a presented erasure secret is worth for an anonymous id. */
export type SecretCheck = 'ok' | 'wrong' | 'none';

/** A SHA-256 digest as the SDK sends it: 64 lower-case hex digits. */
export const ERASURE_HASH = /^[0-9a-f]{64}$/;

/** SHA-256 of a secret, hex: what the SDK registers and the collector compares. */
export const secretHash = (secret: string): string => createHash('sha256').update(secret, 'utf8').digest('hex');

/** Erasure keys (registered with their batch, event-store.ts) and erasure over one open, migrated database. */
export interface ErasureStore {
  /** Checks `secret` against the stored key, in constant time; `none` when no key is stored. */
  verify(site: string, anonymousId: string, secret: string): SecretCheck;
  /** True when any row names the anonymous id (its events or per-visitor rows). */
  holdsAnything(site: string, anonymousId: string): Promise<boolean>;
  /**
   * True when `anonymousId` wrote as `userId` and no other id did (so that device may
   * erase the user's rows): some stored event carries both, and none carries the user
   * id with another anonymous id, or with none (a server's call).
   */
  onlyFrom(site: string, userId: string, anonymousId: string): boolean;
  /**
   * Deletes every row of these ids in one transaction, after finding their events and
   * interactions a window at a time (server/erasure/scan.ts); marks their keys erased.
   */
  erase(site: string, ids: VisitorIds, now: number): Promise<ErasedCounts>;
}

/** Prepares the statements. */
export function createErasureStore(db: Db): ErasureStore {
  const selectKey = db.prepare<[string, string], { hash: string }>('SELECT hash FROM erasure_keys WHERE site = ? AND anonymous_id = ?');
  const markErased = db.prepare<[number, string, string]>('UPDATE erasure_keys SET erased_at = ? WHERE site = ? AND anonymous_id = ?');
  const eventScan = createVisitorScan<{ id: number }>(db, 'events', 'site', 'anonymous_id');
  const interactionScan = createVisitorScan<{ id: number }>(db, 'interactions', 'site', 'visitor');
  const deleteEvent = db.prepare<[number]>('DELETE FROM events WHERE id = ?');
  const deleteInteraction = db.prepare<[number]>('DELETE FROM interactions WHERE rowid = ?');
  const sources = db.prepare<[string, string, string, string, string, string], { own: number; other: number }>(
    `SELECT EXISTS (SELECT 1 FROM events WHERE site = ? AND user_id = ? AND anonymous_id = ?) AS own,
            EXISTS (SELECT 1 FROM events WHERE site = ? AND user_id = ? AND (anonymous_id IS NULL OR anonymous_id != ?)) AS other`,
  );
  const deleteByUser = db.prepare<[string, string]>('DELETE FROM events WHERE site = ? AND user_id = ?');
  const perVisitor = VISITOR_TABLES.filter(({ table }) => table !== 'interactions' && hasTable(db, table)).map(({ table, column }) => ({
    table,
    any: db.prepare<[string, string]>(`SELECT 1 FROM ${table} WHERE site = ? AND ${column} = ? LIMIT 1`),
    remove: db.prepare<[string, string]>(`DELETE FROM ${table} WHERE site = ? AND ${column} = ?`),
  }));

  const links = LINK_TABLES.filter(({ table }) => hasTable(db, table)).map(({ table, id, user }) => ({
    table,
    byId: db.prepare<[string, string]>(`DELETE FROM ${table} WHERE site = ? AND ${id} = ?`),
    byUser: db.prepare<[string, string]>(`DELETE FROM ${table} WHERE site = ? AND ${user} = ?`),
  }));

  type Found = { rows: { id: number }[]; last: number };
  const eraseAll = db.transaction((site: string, ids: VisitorIds, now: number, events: Found, interactions: Found): ErasedCounts => {
    // A visitor is named in the per-visitor tables by anonymous id, or by user id when an event had none.
    const visitors = [...new Set([...ids.anonymousIds, ...ids.userIds])];
    const counts: ErasedCounts = { events: 0, interactions: 0 };
    // What the scans found, and what was stored after they started.
    for (const { id } of [...events.rows, ...eventScan.after(site, ids.anonymousIds, events.last)]) counts.events += deleteEvent.run(id).changes;
    for (const id of ids.userIds) counts.events += deleteByUser.run(site, id).changes;
    for (const { id } of [...interactions.rows, ...interactionScan.after(site, visitors, interactions.last)]) {
      counts.interactions += deleteInteraction.run(id).changes;
    }
    for (const { table, remove } of perVisitor) {
      counts[table] = 0;
      for (const visitor of visitors) counts[table] += remove.run(site, visitor).changes;
    }
    // The device's own links always go; links of other ids to a user only with that user.
    for (const { table, byId, byUser } of links) {
      counts[table] = 0;
      for (const visitor of visitors) counts[table] += byId.run(site, visitor).changes;
      for (const user of ids.userIds) counts[table] += byUser.run(site, user).changes;
    }
    for (const id of ids.anonymousIds) markErased.run(now, site, id);
    return counts;
  });

  return {
    verify(site, anonymousId, secret) {
      const stored = selectKey.get(site, anonymousId)?.hash;
      if (stored === undefined) return 'none';
      // Both are 32-byte digests, so the comparison's time says nothing about the secret.
      return timingSafeEqual(Buffer.from(stored, 'hex'), Buffer.from(secretHash(secret), 'hex')) ? 'ok' : 'wrong';
    },
    holdsAnything: async (site, anonymousId) =>
      perVisitor.some((t) => t.any.get(site, anonymousId) !== undefined) || (await eventScan.rows(site, [anonymousId])).rows.length > 0,
    onlyFrom(site, userId, anonymousId) {
      const found = sources.get(site, userId, anonymousId, site, userId, anonymousId);
      return found?.own === 1 && found.other === 0;
    },
    async erase(site, ids, now) {
      const visitors = [...new Set([...ids.anonymousIds, ...ids.userIds])];
      const [events, interactions] = [await eventScan.rows(site, ids.anonymousIds), await interactionScan.rows(site, visitors)];
      // Events stored but not yet folded into the per-visitor rows would bring them back after the erasure.
      await settleFold(db);
      return eraseAll.immediate(site, ids, now, events, interactions);
    },
  };
}
