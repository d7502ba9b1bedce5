/**
 * The writing side of co-occurrence and popularity, run beside the fold (in the writer
 * thread for a database file, on the ingest thread for an in-memory one): the derive hook
 * that adds each fold's interactions (ingest.ts), the refresh of the lists it changed soon
 * after (refresh.ts), and the rebuild of sites marked at start (replay.ts). The pulls read
 * what it writes from the database (service.ts), in whatever thread they run.
 */
import type { Aggregate } from '../aggregates';
import { isBusy, type Db } from '../database';
import { createCoocIngest } from './ingest';
import type { CoocSettings } from './options';
import { createRefresher } from './refresh';
import { replaySite } from './replay';

/**
 * How soon after a fold the lists it changed are recomputed, in ms. A pull recomputes its
 * site's at once, so this only bounds the work of the next cold pull; recomputing a hot
 * product's list after every fold took an eighth of the writer's time under ingest.
 */
export const REFRESH_DELAY_MS = 2000;

/** Co-occurrence's writes over one connection. */
export interface CoocKeeper {
  /** The fold's derive hook (server/fold-hooks.ts). */
  ingest: Aggregate;
  /** Recomputes every marked list of the site; resolves when none is left. */
  refresh(site: string): Promise<void>;
  /**
   * Rebuilds the sites marked for it (service.ts marks them at start) from their raw
   * interactions. Call it with nothing queued to fold, in the same turn as the settle
   * that emptied the queue: what is stored afterwards is the fold's again.
   */
  replayMarked(): void;
  /** Stops the refresh timer. */
  close(): void;
}

/** Creates the keeper; `onError` is told of a background refresh that failed. */
export function createCoocKeeper(db: Db, settings: CoocSettings, onError: (site: string, error: unknown) => void): CoocKeeper {
  const refresher = createRefresher(db, settings);
  const waiting = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const refreshWaiting = () => {
    timer = undefined;
    for (const site of waiting) {
      waiting.delete(site);
      // Busy (another process writes): the site stays marked, and the next fold or pull tries again.
      refresher.refresh(site).catch((error: unknown) => isBusy(error) || onError(site, error));
    }
  };
  const touched = (site: string) => {
    waiting.add(site);
    timer ??= setTimeout(refreshWaiting, REFRESH_DELAY_MS);
    timer.unref();
  };
  const marked = db.prepare<[], { site: string }>('SELECT site FROM cooc_sites WHERE replay = 1');
  return {
    ingest: createCoocIngest(db, settings, touched),
    refresh: (site) => refresher.refresh(site),
    replayMarked() {
      if (!db.open) return;
      for (const { site } of marked.all()) {
        replaySite(db, site, settings);
        touched(site);
      }
    },
    close() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
