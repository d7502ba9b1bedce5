/**
 * Retention (`--retain-days`) on PostgreSQL: the same rule as SQLite's server/retention.ts
 * (raw events by when the collector received them, interactions by when they happened,
 * each site by its own `retainDays`), deleted by id in small transactions so ingest never
 * waits behind a long delete. The aggregates, co-occurrence and popularity tables hold
 * no raw rows and stay.
 *
 * Both tables are walked by their primary key (`id > $1 ORDER BY id LIMIT $2`, an index
 * range): on PostgreSQL a page of one site's interactions by id would sort the site's
 * whole (site) index range for every page. Events stop at the first page whose last row
 * was received after the shortest retention of any site; with several collectors ids
 * follow commit order only roughly, so an event whose neighbours were received a moment
 * later waits for the next sweep (ids are close to receipt order; clocks skew by ms).
 */
import { DEFAULT_RETAIN_DAYS, type Retention, type RetentionResult } from '../retention';
import type { SiteRegistry } from '../sites';
import { num, type Pool } from './read-snapshot';

/** Options of {@link createPostgresRetention}: those of SQLite's, over a pool. */
export interface PostgresRetentionOptions {
  pool: Pool;
  sites: SiteRegistry;
  clock: () => number;
  /** How often a sweep runs, in ms (default 1 hour); 0 for never (a test sweeps itself). */
  intervalMs?: number;
  /** Rows per transaction (default 1,000). */
  batchRows?: number;
  /** Where a failed sweep is reported. */
  onError: (error: unknown) => void;
}

const DAY_MS = 86_400_000;
const SQL = {
  events: 'SELECT id, site, received_at FROM events WHERE id > $1 ORDER BY id LIMIT $2',
  deleteEvents: 'DELETE FROM events WHERE id = ANY($1::bigint[])',
  interactions: 'SELECT id, site, time FROM interactions WHERE id > $1 ORDER BY id LIMIT $2',
  deleteInteractions: 'DELETE FROM interactions WHERE id = ANY($1::bigint[])',
} as const;

const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Starts the sweeper; the first sweep runs one interval after start. */
export function createPostgresRetention({ pool, sites, clock, intervalMs = 3_600_000, batchRows = 1000, onError }: PostgresRetentionOptions): Retention {
  let closed = false;
  let running: Promise<RetentionResult> | undefined;
  const cutoffs = new Map<string, number>();
  // The time before which `site`'s rows go (−∞ for a site that keeps everything).
  const cutoffOf = (site: string, now: number) => {
    let cutoff = cutoffs.get(site);
    if (cutoff === undefined) {
      const settings = sites.get(site);
      const days = settings ? settings.retainDays : DEFAULT_RETAIN_DAYS;
      cutoff = days === null ? -Infinity : now - days * DAY_MS;
      cutoffs.set(site, cutoff);
    }
    return cutoff;
  };

  // Walks a table by id, deleting the expired rows of each page (one statement, its own transaction).
  async function walk(table: 'events' | 'interactions', now: number, timeOf: (row: Record<string, unknown>) => number, stop: (last: number) => boolean): Promise<number> {
    let deleted = 0;
    for (let after = 0; !closed; ) {
      const { rows } = await pool.query({ name: `attune_retention_${table}`, text: SQL[table], values: [after, batchRows] });
      if (rows.length === 0) break;
      const expired = rows.filter((r) => timeOf(r) < cutoffOf(r.site, now)).map((r) => r.id);
      if (expired.length) {
        const name = table === 'events' ? 'deleteEvents' : 'deleteInteractions';
        deleted += (await pool.query({ name: `attune_retention_${name}`, text: SQL[name], values: [expired] })).rowCount ?? 0;
      }
      const last = rows[rows.length - 1];
      if (stop(timeOf(last))) break;
      after = num(last.id);
      await yieldToOthers();
    }
    return deleted;
  }

  const sweep = (): Promise<RetentionResult> =>
    (running ??= (async () => {
      const now = clock();
      cutoffs.clear();
      const configured = sites.all().map((s) => s.retainDays).filter((d): d is number => d !== null);
      // No event received after this can be past any site's retention.
      const latest = now - Math.min(DEFAULT_RETAIN_DAYS, ...configured) * DAY_MS;
      try {
        const events = await walk('events', now, (r) => num(r.received_at), (last) => last >= latest);
        const interactions = await walk('interactions', now, (r) => num(r.time), () => false);
        return { events, interactions };
      } finally {
        running = undefined;
      }
    })());

  const timer = intervalMs > 0 ? setInterval(() => void sweep().catch(onError), intervalMs) : undefined;
  // Retention must never keep the process alive on its own.
  timer?.unref();
  return {
    sweep,
    async close() {
      closed = true;
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
