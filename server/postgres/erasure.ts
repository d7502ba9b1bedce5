/**
 * Erasure on PostgreSQL: SQLite's server/erasure/store.ts (keys, `holdsAnything`,
 * `onlyFrom`, `erase`) over a pool. As there, `events` and `interactions` have no index by
 * visitor (it would cost every ingest for a rare erasure), so they are read in windows of
 * ids, one statement per window for all the person's ids; the deletes, and a last look at
 * what was stored since the scan began, run in one transaction.
 */
import { timingSafeEqual } from 'node:crypto';
import { LINK_TABLES, VISITOR_TABLES } from '../erasure/schema';
import { secretHash, type ErasedCounts, type ErasureStore, type SecretCheck } from '../erasure/store';
import { num, type Pool } from './read-snapshot';

/** Ids read per window, as SQLite's scan. */
export const SCAN_WINDOW = 5000;

type Queryable = Pick<Pool, 'query'>;
const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A scan of `table` by id windows for rows of a site naming any of some visitors in `column`. */
export interface PostgresScan<Row> {
  /** Every matching row up to the table's newest id at the start; `last` is where it stopped. */
  rows(site: string, visitors: readonly string[]): Promise<{ rows: Row[]; last: number }>;
  /** The matching rows after `last`, in one statement (inside the transaction that acts on them). */
  after(on: Queryable, site: string, visitors: readonly string[], last: number): Promise<Row[]>;
}

/** Creates a scan of `table` selecting `columns` (and `id`) where `column` is one of the visitors. */
export function createPostgresScan<Row extends { id: number }>(pool: Pool, table: string, columns: string, column: string, map: (row: Record<string, unknown>) => Row): PostgresScan<Row> {
  const window = `SELECT id, ${columns} FROM ${table} WHERE id > $1 AND id <= $2 AND site = $3 AND ${column} = ANY($4::text[]) ORDER BY id`;
  const read = async (on: Queryable, site: string, visitors: readonly string[], from: number, to: number) =>
    visitors.length === 0 ? [] : (await on.query({ text: window, values: [from, to, site, visitors] })).rows.map(map);
  return {
    async rows(site, visitors) {
      const last = num((await pool.query(`SELECT coalesce(max(id), 0) AS id FROM ${table}`)).rows[0].id);
      const rows: Row[] = [];
      for (let from = 0; from < last; from += SCAN_WINDOW) {
        rows.push(...(await read(pool, site, visitors, from, Math.min(from + SCAN_WINDOW, last))));
        await yieldToOthers();
      }
      return { rows, last };
    },
    after: (on, site, visitors, last) => read(on, site, visitors, last, Number.MAX_SAFE_INTEGER),
  };
}

/** The async form of SQLite's {@link ErasureStore}: the same answers, over a pool. */
export interface PostgresErasureStore {
  verify(site: string, anonymousId: string, secret: string): Promise<SecretCheck>;
  holdsAnything: ErasureStore['holdsAnything'];
  onlyFrom(site: string, userId: string, anonymousId: string): Promise<boolean>;
  erase: ErasureStore['erase'];
}

const PER_VISITOR = VISITOR_TABLES.filter(({ table }) => table !== 'interactions');

/**
 * Creates the store. `settle` runs before an erasure deletes (the collector passes the fold
 * queue's drain: events stored but not yet folded would bring per-visitor rows back).
 */
export function createPostgresErasure(pool: Pool, settle: () => Promise<void> = async () => undefined): PostgresErasureStore {
  const idRow = (r: Record<string, unknown>) => ({ id: num(r.id) });
  const eventScan = createPostgresScan(pool, 'events', 'site', 'anonymous_id', idRow);
  const interactionScan = createPostgresScan(pool, 'interactions', 'site', 'visitor', idRow);
  return {
    async verify(site, anonymousId, secret) {
      const { rows } = await pool.query({ name: 'attune_erasure_key', text: 'SELECT hash FROM erasure_keys WHERE site = $1 AND anonymous_id = $2', values: [site, anonymousId] });
      if (rows.length === 0) return 'none';
      // Both are 32-byte digests, so the comparison's time says nothing about the secret.
      return timingSafeEqual(Buffer.from(rows[0].hash as string, 'hex'), Buffer.from(secretHash(secret), 'hex')) ? 'ok' : 'wrong';
    },
    async holdsAnything(site, anonymousId) {
      for (const { table, column } of PER_VISITOR) {
        if ((await pool.query(`SELECT 1 FROM ${table} WHERE site = $1 AND ${column} = $2 LIMIT 1`, [site, anonymousId])).rows.length) return true;
      }
      return (await eventScan.rows(site, [anonymousId])).rows.length > 0;
    },
    async onlyFrom(site, userId, anonymousId) {
      const { rows } = await pool.query({
        name: 'attune_erasure_sources',
        text: `SELECT EXISTS (SELECT 1 FROM events WHERE site = $1 AND user_id = $2 AND anonymous_id = $3) AS own,
                      EXISTS (SELECT 1 FROM events WHERE site = $1 AND user_id = $2 AND (anonymous_id IS NULL OR anonymous_id <> $3)) AS other`,
        values: [site, userId, anonymousId],
      });
      return rows[0].own === true && rows[0].other === false;
    },
    async erase(site, ids, now) {
      // A visitor is named in the per-visitor tables by anonymous id, or by user id when an event had none.
      const visitors = [...new Set([...ids.anonymousIds, ...ids.userIds])];
      const [events, interactions] = [await eventScan.rows(site, ids.anonymousIds), await interactionScan.rows(site, visitors)];
      await settle();
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const run = async (text: string, values: unknown[]) => (await client.query(text, values)).rowCount ?? 0;
        const counts: ErasedCounts = { events: 0, interactions: 0 };
        // What the scans found, and what was stored after they started.
        const eventIds = [...events.rows, ...(await eventScan.after(client, site, ids.anonymousIds, events.last))].map((r) => r.id);
        counts.events += await run('DELETE FROM events WHERE id = ANY($1::bigint[])', [eventIds]);
        counts.events += await run('DELETE FROM events WHERE site = $1 AND user_id = ANY($2::text[])', [site, ids.userIds]);
        const interactionIds = [...interactions.rows, ...(await interactionScan.after(client, site, visitors, interactions.last))].map((r) => r.id);
        counts.interactions += await run('DELETE FROM interactions WHERE id = ANY($1::bigint[])', [interactionIds]);
        for (const { table, column } of PER_VISITOR) counts[table] = await run(`DELETE FROM ${table} WHERE site = $1 AND ${column} = ANY($2::text[])`, [site, visitors]);
        // The device's own links always go; links of other ids to a user only with that user.
        for (const { table, id, user } of LINK_TABLES) {
          counts[table] = await run(`DELETE FROM ${table} WHERE site = $1 AND (${id} = ANY($2::text[]) OR ${user} = ANY($3::text[]))`, [site, visitors, ids.userIds]);
        }
        await run('UPDATE erasure_keys SET erased_at = $1 WHERE site = $2 AND anonymous_id = ANY($3::text[])', [now, site, ids.anonymousIds]);
        await client.query('COMMIT');
        return counts;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
  };
}

