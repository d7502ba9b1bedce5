/**
 * Co-occurrence and popularity for the pulls, kept at ingest: the derive hook that adds
 * each fold's interactions (ingest.ts), the refresh of changed lists soon after
 * (refresh.ts), and the tables read from the stored rows (serve.ts). A pull never reads
 * the raw interactions; only a rebuild does (replay.ts), at start, for a site whose
 * state is missing (a file from before schema 3) or was built with other options.
 */
import type { CooccurrenceOptions } from '../../src/recommend/cooccurrence';
import { foldPending } from '../aggregate-fold';
import { isBusy, type Db } from '../database';
import type { Tables } from '../tables';
import type { ValidEvent } from '../validate-event';
import { createCoocIngest } from './ingest';
import { coocSettings, compareKey } from './options';
import { createRefresher } from './refresh';
import { replaySite } from './replay';
import { createServe } from './serve';

/** How soon after a fold the lists it changed are recomputed, in ms. */
export const REFRESH_DELAY_MS = 100;

/** The co-occurrence service of one collector. */
export interface CoocService {
  /** The derive hook: register it with the event store's others. */
  ingest(events: readonly ValidEvent[]): void;
  /** The site's version: changes whenever a fold changed its state (0 for none). Folds what is queued first. */
  version(site: string): number;
  /** The site's tables: its changed lists recomputed, then both read from the stored rows. */
  tables(site: string): Promise<Tables>;
  /** Stops the refresh timer. */
  close(): void;
}

/**
 * Creates the service over an open, migrated database, before the event store (whose
 * fold calls `ingest`). Sites whose state must be rebuilt are marked now, so the fold's
 * catching up skips them, and rebuilt at the first turn of the event loop or read.
 * `maxSites` bounds the sites whose table pieces are held (server/cooc/serve.ts).
 */
export function createCoocService(
  db: Db,
  options: CooccurrenceOptions,
  clock: () => number,
  onError: (site: string, error: unknown) => void,
  maxSites = 1000,
): CoocService {
  const settings = coocSettings(options);
  const serve = createServe(db, settings, maxSites);
  const refresher = createRefresher(db, settings, serve.changed);
  const selectVersion = db.prepare<[string], { version: number }>('SELECT version FROM cooc_sites WHERE site = ?');

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

  const replays = markReplays(db, settings);
  const settle = () => {
    if (replays.length === 0 || !db.open) return;
    // Nothing of these sites may be queued to fold: their interactions are all read below.
    foldPending(db);
    for (const site of replays.splice(0)) {
      replaySite(db, site, settings);
      touched(site);
    }
  };
  setImmediate(settle);

  return {
    ingest: createCoocIngest(db, settings, touched),
    version(site) {
      settle();
      foldPending(db);
      return selectVersion.get(site)?.version ?? 0;
    },
    async tables(site) {
      await refresher.refresh(site);
      return serve.tables(site, clock());
    },
    close() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}

// Marks the sites whose state is missing or was built with options the state depends on;
// a site whose options differ only in how lists are scored has every list recomputed.
function markReplays(db: Db, settings: ReturnType<typeof coocSettings>): string[] {
  const nextSite = db.prepare<[string], { site: string }>('SELECT site FROM interactions WHERE site > ? ORDER BY site LIMIT 1');
  const stored = db.prepare<[], { site: string; options: string }>('SELECT site, options FROM cooc_sites').all();
  const known = new Map(stored.map((s) => [s.site, s.options]));
  const replay = db.prepare<[string, string]>(
    'INSERT INTO cooc_sites (site, options, replay) VALUES (?, ?, 1) ON CONFLICT (site) DO UPDATE SET options = excluded.options, replay = 1',
  );
  const relist = db.prepare<[string, string]>('UPDATE cooc_sites SET options = ? WHERE site = ?');
  const markAll = db.prepare<[string]>('INSERT OR IGNORE INTO cooc_dirty (site, kind, product) SELECT site, kind, product FROM cooc_products WHERE site = ?');
  const sites = new Set(known.keys());
  for (let site = nextSite.get('')?.site; site !== undefined; site = nextSite.get(site)?.site) sites.add(site);
  const marked: string[] = [];
  const changes: (() => void)[] = [];
  for (const site of sites) {
    const options = known.get(site);
    const change = options === undefined ? 'state' : compareKey(options, settings);
    if (change === 'state') {
      changes.push(() => replay.run(site, settings.key));
      marked.push(site);
    } else if (change === 'lists') changes.push(() => (relist.run(settings.key, site), markAll.run(site)));
  }
  if (changes.length) db.transaction(() => changes.forEach((c) => c())).immediate();
  // A site marked before a stop is rebuilt too.
  for (const { site } of db.prepare<[], { site: string }>('SELECT site FROM cooc_sites WHERE replay = 1').all()) if (!marked.includes(site)) marked.push(site);
  return marked;
}
