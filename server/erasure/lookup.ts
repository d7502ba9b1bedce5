/**
 * Finding one person's visitor ids (for an admin erasure or export) and reading
 * everything the collector holds about them.
 */
import { settleFold } from '../aggregate-fold';
import type { Db } from '../database';
import { traitDigest } from '../sensitive-traits';
import { createVisitorScan } from './scan';
import { hasTable, LINK_TABLES, VISITOR_TABLES } from './schema';
import type { VisitorIds } from './store';

/** Everything the collector holds about one person, as `GET /v1/visitors/export` answers it. */
export interface VisitorExport {
  site: string;
  anonymousIds: string[];
  userIds: string[];
  /** The user ids stored events link these anonymous ids to (erase or export by user id to include those). */
  linkedUserIds: string[];
  /** The stored events, as stored (sensitive traits already replaced by markers), oldest first. */
  events: { receivedAt: string; event: unknown }[];
  /** Rows of the per-visitor tables (interactions, cohort members, visitor days, row clicks), by table. */
  rows: Record<string, Record<string, unknown>[]>;
  /** Per anonymous id: whether an erasure key is registered, since when, and when it was erased. */
  erasureKeys: { anonymousId: string; createdAt: string; erasedAt: string | null }[];
}

/** Ids scanned per step of a lookup by trait; the event loop is yielded to between steps. */
const SCAN_STEP = 5000;

const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));
const iso = (ms: number) => new Date(ms).toISOString();

/** Lookups over one open, migrated database. */
export interface VisitorLookup {
  /** The anonymous ids any stored event links to `userId` (identify, or any call carrying both). */
  anonymousIdsOf(site: string, userId: string): string[];

  /**
   * The ids of identify events whose `traits.email` (or `context.traits.email`) is
   * `email`, stored or as a removed trait's digest. Scans the site's identify events a
   * step at a time, so a large history never holds the event loop.
   */
  idsOfEmail(site: string, email: string): Promise<VisitorIds>;
  /** Everything held about these ids (their events and interactions found a window at a time). */
  export(site: string, ids: VisitorIds): Promise<VisitorExport>;
}

/** Prepares the statements. */
export function createVisitorLookup(db: Db): VisitorLookup {
  const anonymousOf = db.prepare<[string, string], { id: string }>(
    'SELECT DISTINCT anonymous_id AS id FROM events WHERE site = ? AND user_id = ? AND anonymous_id IS NOT NULL ORDER BY 1',
  );
  const maxId = db.prepare<[], { id: number | null }>('SELECT max(id) AS id FROM events');
  const emailPaths = ['$.traits.email', '$.context.traits.email'];
  const matches = emailPaths
    .map((p) => `lower(trim(json_extract(payload, '${p}'))) = @email OR json_extract(payload, '${p}.removed') = @digest`)
    .join(' OR ');
  const emailStep = db.prepare<[{ from: number; to: number; site: string; email: string; digest: string }], { anonymous_id: string | null; user_id: string | null }>(
    `SELECT anonymous_id, user_id FROM events
     WHERE id > @from AND id <= @to AND site = @site AND type = 'identify' AND json_valid(payload) AND (${matches})`,
  );
  type EventRow = { id: number; user_id: string | null; received_at: number; payload: string };
  const eventsByAnonymous = createVisitorScan<EventRow>(db, 'events', 'user_id, received_at, payload', 'anonymous_id');
  const interactionsOf = createVisitorScan<Record<string, unknown> & { id: number }>(db, 'interactions', '*', 'visitor');
  const eventsByUser = db.prepare<[string, string], EventRow>(
    'SELECT id, user_id, received_at, payload FROM events WHERE site = ? AND user_id = ?',
  );
  const tables = VISITOR_TABLES.filter(({ table }) => table !== 'interactions' && hasTable(db, table)).map(({ table, column }) => ({
    table,
    select: db.prepare<[string, string], Record<string, unknown>>(`SELECT * FROM ${table} WHERE site = ? AND ${column} = ?`),
  }));
  // Ids linked to a user by identify or alias (server/identity.ts), where that table exists.
  const linked = LINK_TABLES.filter(({ table }) => hasTable(db, table)).map(({ table, id, user }) =>
    db.prepare<[string, string], { id: string }>(`SELECT ${id} AS id FROM ${table} WHERE site = ? AND ${user} = ?`),
  );
  const linkRows = LINK_TABLES.filter(({ table }) => hasTable(db, table)).map(({ table, id, user }) => ({
    table,
    select: db.prepare<[string, string, string], Record<string, unknown>>(`SELECT * FROM ${table} WHERE site = ? AND (${id} = ? OR ${user} = ?)`),
  }));
  const keyOf = db.prepare<[string, string], { created_at: number; erased_at: number | null }>(
    'SELECT created_at, erased_at FROM erasure_keys WHERE site = ? AND anonymous_id = ?',
  );

  return {
    anonymousIdsOf(site, userId) {
      const ids = new Set(anonymousOf.all(site, userId).map((r) => r.id));
      for (const statement of linked) statement.all(site, userId).forEach((r) => r.id !== userId && ids.add(r.id));
      return [...ids].sort();
    },
    async idsOfEmail(site, email) {
      const anonymous = new Set<string>();
      const users = new Set<string>();
      const params = { site, email: email.trim().toLowerCase(), digest: traitDigest(site, email) };
      const last = maxId.get()?.id ?? 0;
      for (let from = 0; from < last; from += SCAN_STEP) {
        for (const row of emailStep.all({ ...params, from, to: from + SCAN_STEP })) {
          if (row.anonymous_id !== null) anonymous.add(row.anonymous_id);
          if (row.user_id !== null) users.add(row.user_id);
        }
        await yieldToOthers();
      }
      return { anonymousIds: [...anonymous].sort(), userIds: [...users].sort() };
    },
    async export(site, ids) {
      await settleFold(db);
      const events = new Map<number, { receivedAt: string; event: unknown }>();
      const add = (row: EventRow) => events.set(row.id, { receivedAt: iso(row.received_at), event: JSON.parse(row.payload) });
      const own = (await eventsByAnonymous.rows(site, ids.anonymousIds)).rows;
      own.forEach(add);
      for (const id of ids.userIds) eventsByUser.all(site, id).forEach(add);
      const linkedUserIds = [...new Set(own.flatMap((row) => (row.user_id === null ? [] : [row.user_id])))].sort();
      const visitors = [...new Set([...ids.anonymousIds, ...ids.userIds])];
      const rows: VisitorExport['rows'] = {};
      rows.interactions = (await interactionsOf.rows(site, visitors)).rows.map(({ id: _, ...row }) => row);
      for (const { table, select } of tables) rows[table] = visitors.flatMap((v) => select.all(site, v));
      for (const { table, select } of linkRows) {
        const seen = new Map<string, Record<string, unknown>>();
        for (const v of visitors) for (const row of select.all(site, v, v)) seen.set(JSON.stringify(row), row);
        rows[table] = [...seen.values()];
      }
      const erasureKeys = ids.anonymousIds.flatMap((anonymousId) => {
        const key = keyOf.get(site, anonymousId);
        return key ? [{ anonymousId, createdAt: iso(key.created_at), erasedAt: key.erased_at === null ? null : iso(key.erased_at) }] : [];
      });
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
