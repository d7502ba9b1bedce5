/**
 * The co-occurrence table per site, computed on request and cached until the site's
 * product interactions change.
 */
import { cooccurrence, type CooccurrenceOptions } from '../src/recommend/cooccurrence';
import type { EventStore } from './event-store';
import { createSiteCache, type CachedTable } from './site-cache';

export type { CachedTable } from './site-cache';

/**
 * What the collector serves by default: cosine with shrinkage 5, proximity 0.9 and
 * 20 neighbours per list, the settings "for you" and "bought together" rank best
 * with offline (bench/recs-lib/README.md: HR@10 0.214 / 0.296 against 0.176 / 0.224
 * for plain counts on Online Retail). Scores lie between 0 and 1.
 */
export const COLLECTOR_COOCCURRENCE: Readonly<CooccurrenceOptions> = Object.freeze({ score: 'cosine', shrink: 5, proximity: 0.9, top: 20 });

/**
 * Returns a function giving a site's table, computed with `options` (default
 * {@link COLLECTOR_COOCCURRENCE}; `{}` gives plain counts, 10 per list).
 */
export function createCooccurrenceCache(store: EventStore, options: CooccurrenceOptions = COLLECTOR_COOCCURRENCE): (site: string) => CachedTable {
  return createSiteCache(store, (site) => cooccurrence(store.interactions(site), options));
}
