/**
 * The detection loop: on a timer, signals that fell due and catalog jobs are worked
 * off a page at a time, each page one short write transaction, with the event loop
 * free between pages, so requests are answered however much is due. The registry of
 * due detectors is {@link DUE_DETECTORS}'s list: adding a kind touches one place.
 */
import { settleFold } from '../aggregate-fold';
import { isBusy, type Db } from '../database';
import type { RepeatLog } from '../repeat-log';
import type { SiteRegistry } from '../sites';
import type { CatalogStep } from './catalog-signals';
import type { DueDetector, PendingStore } from './pending';
import type { RecordSignal } from './signal';
import type { VisitorRow } from './visitors';

/** Rows read per page: small enough that one page holds the event loop for a few milliseconds. */
export const PAGE_ROWS = 200;

/** What the loop works on. */
export interface DetectionParts {
  db: Db;
  sites: SiteRegistry;
  pending: PendingStore;
  /** The due detectors, one per pending kind (cart, browse, win-back). */
  detectors: readonly DueDetector[];
  catalogStep: CatalogStep;
  record: RecordSignal;
  clock: () => number;
  problem: RepeatLog;
}

/** A running detection loop. */
export interface Detection {
  /** Works off everything due now; resolves with the rows looked at. Runs once at a time. */
  run(): Promise<number>;
  /** Stops the timer and waits for a run in progress. */
  close(): Promise<void>;
}

const pause = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Starts the loop: a run every `intervalMs` (and whenever {@link Detection.run} is called). */
export function startDetection(parts: DetectionParts, intervalMs: number): Detection {
  const { db, sites, pending, detectors, catalogStep, record, clock, problem } = parts;
  const byKind = new Map(detectors.map((d) => [d.kind, d]));
  const visitorRow = db.prepare<[string, string], VisitorRow>('SELECT * FROM trigger_visitors WHERE site = ? AND visitor = ?');
  // A person who identified is one across devices: a visit or an order on any of them counts.
  const personOf = db.prepare<[string, string], { seen: number | null; ordered: number | null }>(
    'SELECT max(last_seen) AS seen, max(last_order) AS ordered FROM trigger_visitors WHERE site = ? AND user_id = ?',
  );
  const asPerson = (v: VisitorRow): VisitorRow => {
    const p = v.user_id === null ? undefined : personOf.get(v.site, v.user_id);
    return p ? { ...v, last_seen: Math.max(v.last_seen, p.seen ?? 0), last_order: Math.max(v.last_order, p.ordered ?? 0) } : v;
  };

  // One page of due rows; returns how many it read.
  const duePage = db.transaction((now: number): number => {
    const rows = pending.due(now, PAGE_ROWS);
    // Looked up once per site and page: an open registry builds settings on each call.
    const settingsOf = new Map<string, ReturnType<SiteRegistry['get']>>();
    for (const row of rows) {
      const detector = byKind.get(row.kind);
      if (!settingsOf.has(row.site)) settingsOf.set(row.site, sites.get(row.site));
      const settings = settingsOf.get(row.site);
      const visitor = visitorRow.get(row.site, row.visitor);
      if (!detector || !settings || !visitor) {
        pending.remove(row);
        continue;
      }
      // The visitor came back since: the signal waits a whole window after their last event.
      const person = asPerson(visitor);
      const due = person.last_seen + detector.windowMs(settings.triggers);
      if (due > now) {
        pending.postpone(row, due);
        continue;
      }
      const stale = detector.staleAfterMs !== undefined && now - due > detector.staleAfterMs;
      const fired = stale ? null : detector.fire(row, person, now);
      if (fired) record({ visitor, event: detector.event, ...fired }, now);
      if (fired && detector.recurring) pending.postpone(row, now + detector.windowMs(settings.triggers));
      else pending.remove(row);
    }
    return rows.length;
  });
  const jobPage = db.transaction((now: number): number => catalogStep(now, PAGE_ROWS));

  let running: Promise<number> | undefined;
  let closed = false;
  const work = async (): Promise<number> => {
    let total = 0;
    // Trigger state is folded from stored events shortly after they are stored: bring it up to date first.
    try {
      await settleFold(db);
    } catch (error) {
      if (isBusy(error)) return total;
      throw error;
    }
    for (const page of [duePage, jobPage]) {
      while (!closed) {
        let read: number;
        try {
          read = page.immediate(clock());
        } catch (error) {
          // Another process holds the write lock: the next run tries again.
          if (isBusy(error)) return total;
          throw error;
        }
        total += read;
        if (read === 0 || (page === duePage && read < PAGE_ROWS)) break;
        await pause();
      }
    }
    return total;
  };
  const run = () => {
    running ??= work()
      .catch((error: unknown) => {
        problem(`trigger detection failed: ${(error as Error)?.message}`, `trigger detection failed: ${(error as Error)?.stack ?? error}`);
        return 0;
      })
      .finally(() => (running = undefined));
    return running;
  };
  const timer = setInterval(() => void run(), intervalMs);
  timer.unref();
  return {
    run,
    async close() {
      closed = true;
      clearInterval(timer);
      await running;
    },
  };
}
