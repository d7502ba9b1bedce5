/**
 * The pull tables per site (`/v1/cooccurrence`, `/v1/popular`), rebuilt when the
 * site's product interactions change, with three bounds: at most one rebuild per site
 * at a time, the last table served while a long one runs, and at most `maxSites`
 * sites held (least recently used forgotten first).
 */
import { createLru } from './lru';
import type { Tables } from './tables';

export type { CachedTable, Tables } from './tables';

/** A site's tables on request. */
export interface TableCache {
  /** The site's tables: current ones, or the last ones when a rebuild takes longer than the wait. */
  get(site: string): Promise<Tables>;
  /** How many sites' tables are held. */
  readonly size: number;
}

/** Options of {@link createTableCache}. */
export interface TableCacheOptions {
  /** The current version of a site's interactions (once what is stored is folded); a cached table of another version is stale. */
  version: (site: string) => number | Promise<number>;
  /** Builds a site's tables for a version, asynchronously (off the event loop). */
  rebuild: (site: string, version: number) => Promise<Tables>;
  /** Sites held at most (default 1,000). */
  maxSites?: number;
  /**
   * How long a request for a stale table waits for the rebuild before the last table
   * is served instead, in ms (default 200): small sites stay exact, and a rebuild of
   * millions of interactions delays no one. A site without any table yet always waits.
   */
  waitMs?: number;
  /** Told when a rebuild fails (the last table, if any, is served). */
  onError: (site: string, error: unknown) => void;
}

interface Entry {
  version: number;
  tables: Tables;
}

/**
 * Creates the cache. Browsers poll, and most polls between two batches of product
 * events are then a lookup and a 304; the rebuild that follows new events happens
 * once, however many polls arrive meanwhile.
 */
export function createTableCache({ version, rebuild, maxSites = 1000, waitMs = 200, onError }: TableCacheOptions): TableCache {
  const held = createLru<string, Entry>(maxSites);
  // At most one per site. Bounded by the requests waiting on them, which the connection cap bounds.
  const running = new Map<string, Promise<Tables>>();

  const start = (site: string, current: number): Promise<Tables> => {
    const job = rebuild(site, current).then(
      (tables) => {
        held.set(site, { version: current, tables });
        return tables;
      },
      (error: unknown) => {
        onError(site, error);
        throw error;
      },
    );
    running.set(site, job);
    // Nobody may be waiting (they were served the last table): never an unhandled rejection.
    job
      .catch(() => undefined)
      .finally(() => {
        if (running.get(site) === job) running.delete(site);
      });
    return job;
  };

  const lookup = (site: string, current: number): Promise<Tables> => {
    const hit = held.get(site);
    if (hit && hit.version === current) return Promise.resolve(hit.tables);
    const job = running.get(site) ?? start(site, current);
    if (!hit) return job;
    return new Promise<Tables>((resolve) => {
      const timer = setTimeout(() => resolve(hit.tables), waitMs);
      job.then(resolve, () => resolve(hit.tables)).finally(() => clearTimeout(timer));
    });
  };

  return {
    get(site) {
      const current = version(site);
      // A version known at once is looked up in this turn (a rebuild starts before get returns).
      return typeof current === 'number' ? lookup(site, current) : current.then((v) => lookup(site, v));
    },
    get size() {
      return held.size;
    },
  };
}
