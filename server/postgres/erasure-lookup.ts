/**
 * Finding and exporting one person on PostgreSQL: SQLite's server/erasure/lookup.ts over a
 * pool, giving the same export document. The e-mail lookup matches in JavaScript over id
 * windows of the site's identify events: payloads are TEXT (bytes as sent), and a cast to
 * JSONB in SQL would fail the whole query on one payload JSONB refuses (`\u0000`); the
 * match reproduces SQLite's `lower(trim(json_extract(…)))` (ASCII case, spaces trimmed).
 */
import type { VisitorExport } from '../erasure/lookup';
import { LINK_TABLES, VISITOR_TABLES } from '../erasure/schema';
import type { VisitorIds } from '../erasure/store';
import { traitDigest } from '../sensitive-traits';
import { createPostgresScan, SCAN_WINDOW } from './erasure';
import { num, rowsAsSqlite, type Pool } from './read-snapshot';

/** The async form of SQLite's `VisitorLookup`. */
export interface PostgresVisitorLookup {
  /** The anonymous ids any stored event or identity link ties to `userId`, sorted. */
  anonymousIdsOf(site: string, userId: string): Promise<string[]>;
  /** The ids of identify events whose `traits.email` or `context.traits.email` is `email` (or its removed digest). */
  idsOfEmail(site: string, email: string): Promise<VisitorIds>;
  /** Everything held about these ids, as SQLite's export. */
  export(site: string, ids: VisitorIds): Promise<VisitorExport>;
}

const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));
const iso = (ms: number) => new Date(ms).toISOString();
// SQLite's lower() folds ASCII only, and trim() takes spaces only.
const sqliteLower = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
const sqliteTrim = (s: string) => s.replace(/^ +| +$/g, '');

/** What `json_extract(payload, path)` compares as: a string's text, a number's digits; null otherwise. */
function scalarText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return null;
}

/** True when an identify payload's e-mail (plain or as a removed trait's digest) matches. */
export function emailMatches(payload: string, email: string, digest: string): boolean {
  let event: unknown;
  try {
    event = JSON.parse(payload);
  } catch {
    return false; // json_valid(payload) is false
  }
  const at = (o: unknown, key: string) => (o !== null && typeof o === 'object' && !Array.isArray(o) ? (o as Record<string, unknown>)[key] : undefined);
  for (const traits of [at(event, 'traits'), at(at(event, 'context'), 'traits')]) {
    const value = at(traits, 'email');
    const text = scalarText(value);
    if (text !== null && sqliteLower(sqliteTrim(text)) === email) return true;
    if (at(value, 'removed') === digest) return true;
  }
  return false;
}

/** Creates the lookups; `settle` runs before an export (the fold queue's drain). */
export function createPostgresLookup(pool: Pool, settle: () => Promise<void> = async () => undefined): PostgresVisitorLookup {
  type EventRow = { id: number; user_id: string | null; received_at: number; payload: string };
  const eventRow = (r: Record<string, unknown>): EventRow => ({ id: num(r.id), user_id: r.user_id as string | null, received_at: num(r.received_at), payload: r.payload as string });
  const eventsByAnonymous = createPostgresScan(pool, 'events', 'user_id, received_at, payload', 'anonymous_id', eventRow);
  const interactionsOf = createPostgresScan(pool, 'interactions', 'site, kind, product_id, visitor, time, order_id', 'visitor', (r) => ({ ...r, id: num(r.id), time: num(r.time) }) as Record<string, unknown> & { id: number });
  return {
    async anonymousIdsOf(site, userId) {
      const ids = new Set(
        (await pool.query(`SELECT DISTINCT anonymous_id AS id FROM events WHERE site = $1 AND user_id = $2 AND anonymous_id IS NOT NULL`, [site, userId])).rows.map((r) => r.id as string),
      );
      for (const { table, id, user } of LINK_TABLES) {
        for (const r of (await pool.query(`SELECT ${id} AS id FROM ${table} WHERE site = $1 AND ${user} = $2`, [site, userId])).rows) if (r.id !== userId) ids.add(r.id);
      }
      return [...ids].sort();
    },
    async idsOfEmail(site, email) {
      const anonymous = new Set<string>();
      const users = new Set<string>();
      const wanted = email.trim().toLowerCase();
      const digest = traitDigest(site, email);
      const last = num((await pool.query('SELECT coalesce(max(id), 0) AS id FROM events')).rows[0].id);
      for (let from = 0; from < last; from += SCAN_WINDOW) {
        const { rows } = await pool.query({
          name: 'attune_lookup_identify_window',
          text: "SELECT anonymous_id, user_id, payload FROM events WHERE id > $1 AND id <= $2 AND site = $3 AND type = 'identify'",
          values: [from, from + SCAN_WINDOW, site],
        });
        for (const row of rows) {
          if (!emailMatches(row.payload, wanted, digest)) continue;
          if (row.anonymous_id !== null) anonymous.add(row.anonymous_id);
          if (row.user_id !== null) users.add(row.user_id);
        }
        await yieldToOthers();
      }
      return { anonymousIds: [...anonymous].sort(), userIds: [...users].sort() };
    },
    async export(site, ids) {
      await settle();
      const events = new Map<number, { receivedAt: string; event: unknown }>();
      const add = (row: EventRow) => events.set(row.id, { receivedAt: iso(row.received_at), event: JSON.parse(row.payload) });
      const own = (await eventsByAnonymous.rows(site, ids.anonymousIds)).rows;
      own.forEach(add);
      for (const id of ids.userIds) {
        (await pool.query('SELECT id, user_id, received_at, payload FROM events WHERE site = $1 AND user_id = $2', [site, id])).rows.map(eventRow).forEach(add);
      }
      const linkedUserIds = [...new Set(own.flatMap((row) => (row.user_id === null ? [] : [row.user_id])))].sort();
      const visitors = [...new Set([...ids.anonymousIds, ...ids.userIds])];
      const rows: VisitorExport['rows'] = {};
      rows.interactions = (await interactionsOf.rows(site, visitors)).rows.map(({ id: _, ...row }) => row);
      for (const { table, column } of VISITOR_TABLES) {
        if (table === 'interactions') continue;
        rows[table] = [];
        // Per visitor in the order given, each visitor's rows in primary key order, as SQLite reads them.
        for (const v of visitors) rows[table].push(...rowsAsSqlite(await pool.query(`SELECT * FROM ${table} WHERE site = $1 AND ${column} = $2`, [site, v])));
      }
      for (const { table, id, user } of LINK_TABLES) {
        const seen = new Map<string, Record<string, unknown>>();
        for (const v of visitors) {
          for (const row of rowsAsSqlite(await pool.query(`SELECT * FROM ${table} WHERE site = $1 AND (${id} = $2 OR ${user} = $2)`, [site, v]))) seen.set(JSON.stringify(row), row);
        }
        rows[table] = [...seen.values()];
      }
      const erasureKeys: VisitorExport['erasureKeys'] = [];
      for (const anonymousId of ids.anonymousIds) {
        const key = (await pool.query('SELECT created_at, erased_at FROM erasure_keys WHERE site = $1 AND anonymous_id = $2', [site, anonymousId])).rows[0];
        if (key) erasureKeys.push({ anonymousId, createdAt: iso(num(key.created_at)), erasedAt: key.erased_at === null ? null : iso(num(key.erased_at)) });
      }
      return {
        site,
        anonymousIds: ids.anonymousIds,
        userIds: ids.userIds,
        linkedUserIds,
        events: [...events.entries()].sort(([a], [b]) => a - b).map(([, e]) => e),
        rows,
        erasureKeys,
      };
    },
  };
}
