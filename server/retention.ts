/**
 * Retention: raw events older than their site's `retainDays` are deleted, with the
 * product interactions taken from them; the aggregates, which hold no raw events,
 * survive. The work runs on a timer, off the request path, in small transactions
 * (`batchRows` rows each) with the event loop yielded to between them, so ingest
 * waits at most one small delete at a time.
 *
 * An event's age is when the collector received it (`received_at`, the collector's
 * own clock, which the browser cannot set). Events are stored in the order received,
 * so walking them by row id from the oldest stops at the first one younger than the
 * shortest retention of any site. An interaction's age is when its event happened
 * (its only time), so a site's interactions are walked whole, a page at a time.
 */
import { isBusy, type Db } from './database';
import type { SiteRegistry } from './sites';

/** What a sweep deleted. */
export interface RetentionResult {
  events: number;
  interactions: number;
}

/** The retention sweeper of one collector. */
export interface Retention {
  /** Deletes what is past retention now; one sweep at a time (a second call waits for the first). */
  sweep(): Promise<RetentionResult>;
  /** Stops the timer and waits for a sweep under way (it stops after its current step). */
  close(): Promise<void>;
}

/** Options of {@link createRetention}. */
export interface RetentionOptions {
  db: Db;
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
/** The retention of a site that has no settings (its data predates the sites file): the default, 13 months. */
export const DEFAULT_RETAIN_DAYS = 395;

const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Starts the sweeper; the first sweep runs one interval after start. */
export function createRetention({ db, sites, clock, intervalMs = 3_600_000, batchRows = 1000, onError }: RetentionOptions): Retention {
  const page = db.prepare<[number, number], { id: number; site: string; received_at: number }>(
    'SELECT id, site, received_at FROM events WHERE id > ? ORDER BY id LIMIT ?',
  );
  const deleteEvent = db.prepare<[number]>('DELETE FROM events WHERE id = ?');
  // The next site with interactions after the given one, read from the (site) index: no scan.
  const nextSite = db.prepare<[string], { site: string }>('SELECT site FROM interactions WHERE site > ? ORDER BY site LIMIT 1');
  const interactionPage = db.prepare<[string, number, number], { id: number; time: number }>(
    'SELECT rowid AS id, time FROM interactions WHERE site = ? AND rowid > ? ORDER BY rowid LIMIT ?',
  );
  const deleteInteraction = db.prepare<[number]>('DELETE FROM interactions WHERE rowid = ?');
  const deleteIds = (statement: typeof deleteEvent) => db.transaction((ids: number[]) => ids.forEach((id) => statement.run(id)));
  const deleteEvents = deleteIds(deleteEvent);
  const deleteInteractions = deleteIds(deleteInteraction);

  let closed = false;
  let running: Promise<RetentionResult> | undefined;

  const retainDays = (site: string) => {
    const settings = sites.get(site);
    return settings ? settings.retainDays : DEFAULT_RETAIN_DAYS;
  };
  const cutoffs = new Map<string, number>();
  // The time before which `site`'s rows go (−∞ for a site that keeps everything).
  const cutoffOf = (site: string, now: number) => {
    let cutoff = cutoffs.get(site);
    if (cutoff === undefined) {
      const days = retainDays(site);
      cutoff = days === null ? -Infinity : now - days * DAY_MS;
      cutoffs.set(site, cutoff);
    }
    return cutoff;
  };

  async function sweepEvents(now: number): Promise<number> {
    const configured = sites.all().map((s) => s.retainDays).filter((d): d is number => d !== null);
    // No event received after this can be past any site's retention.
    const latest = now - Math.min(DEFAULT_RETAIN_DAYS, ...configured) * DAY_MS;
    let deleted = 0;
    for (let after = 0; !closed; ) {
      const rows = page.all(after, batchRows);
      if (rows.length === 0) break;
      const expired = rows.filter((r) => r.received_at < cutoffOf(r.site, now)).map((r) => r.id);
      if (expired.length) deleteEvents.immediate(expired);
      deleted += expired.length;
      if (rows[rows.length - 1].received_at >= latest) break;
      after = rows[rows.length - 1].id;
      await yieldToOthers();
    }
    return deleted;
  }

  async function sweepInteractions(now: number): Promise<number> {
    let deleted = 0;
    for (let site = nextSite.get('')?.site; site !== undefined && !closed; site = nextSite.get(site)?.site) {
      const cutoff = cutoffOf(site, now);
      if (cutoff === -Infinity) continue;
      for (let after = 0; !closed; ) {
        const rows = interactionPage.all(site, after, batchRows);
        if (rows.length === 0) break;
        const expired = rows.filter((r) => r.time < cutoff).map((r) => r.id);
        if (expired.length) deleteInteractions.immediate(expired);
        deleted += expired.length;
        after = rows[rows.length - 1].id;
        await yieldToOthers();
      }
    }
    return deleted;
  }

  const sweep = (): Promise<RetentionResult> =>
    (running ??= (async () => {
      const now = clock();
      cutoffs.clear();
      try {
        return { events: await sweepEvents(now), interactions: await sweepInteractions(now) };
      } finally {
        running = undefined;
      }
    })());

  const tick = () =>
    void sweep().catch((error) => {
      // Another process holds the write lock: the next tick tries again; nothing is half-done.
      if (!isBusy(error)) onError(error);
    });
  const timer = intervalMs > 0 ? setInterval(tick, intervalMs) : undefined;
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
