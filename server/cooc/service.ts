/**
 * Co-occurrence and popularity for the pulls, kept at ingest: the tables read from the
 * stored rows (serve.ts), after the lists a fold changed are recomputed (keeper.ts, run
 * where the fold runs). A pull never reads the raw interactions; only a rebuild does
 * (replay.ts), once, for a site whose state is missing (a file from before schema 3) or
 * was built with other options: those are marked here, at start.
 */
import type { CooccurrenceOptions } from '../../src/recommend/cooccurrence';
import { settleFold } from '../aggregate-fold';
import type { Db } from '../database';
import type { Tables } from '../tables';
import { coocSettings, compareKey, type CoocSettings } from './options';
import { createServe } from './serve';

/** The co-occurrence pulls of one collector. */
export interface CoocService {
  /** The resolved options, for the keeper. */
  settings: CoocSettings;
  /** The site's version, once what is stored is folded: it changes whenever a fold changed its state (0 for none). */
  version(site: string): Promise<number>;
  /** The site's tables: its changed lists recomputed, then both read from the stored rows. */
  tables(site: string): Promise<Tables>;
}

/**
 * Creates the service over an open, migrated database, before anything folds: sites
 * whose state must be rebuilt are marked now, so that the fold's catching up skips them
 * and the keeper rebuilds them. `refresh` is the keeper's (in this thread or the
 * writer's). `maxSites` bounds the sites whose table pieces are held (serve.ts).
 */
export function createCoocService(
  db: Db,
  options: CooccurrenceOptions,
  clock: () => number,
  refresh: (site: string) => Promise<void>,
  maxSites = 1000,
): CoocService {
  const settings = coocSettings(options);
  const serve = createServe(db, settings, maxSites);
  const selectVersion = db.prepare<[string], { version: number }>('SELECT version FROM cooc_sites WHERE site = ?');
  markReplays(db, settings);
  return {
    settings,
    async version(site) {
      await settleFold(db);
      return selectVersion.get(site)?.version ?? 0;
    },
    async tables(site) {
      await refresh(site);
      return serve.tables(site, clock());
    },
  };
}

// Marks the sites whose state is missing or was built with options the state depends on;
// a site whose options differ only in how lists are scored has every list recomputed.
function markReplays(db: Db, settings: CoocSettings): void {
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
  const changes: (() => void)[] = [];
  for (const site of sites) {
    const options = known.get(site);
    const change = options === undefined ? 'state' : compareKey(options, settings);
    if (change === 'state') changes.push(() => replay.run(site, settings.key));
    else if (change === 'lists') changes.push(() => (relist.run(settings.key, site), markAll.run(site)));
  }
  if (changes.length) db.transaction(() => changes.forEach((c) => c())).immediate();
}
