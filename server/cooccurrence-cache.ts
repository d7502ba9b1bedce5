/**
 * The co-occurrence table per site, computed on request and cached until the site's
 * product interactions change.
 */
import { cooccurrence, type CooccurrenceOptions } from '../src/recommend/cooccurrence';
import type { EventStore } from './event-store';
import { etagOf } from './respond';

/** A computed table, serialised, with its ETag. */
export interface CachedTable {
  body: string;
  etag: string;
}

/**
 * Returns a function giving a site's table. Computing reads all the site's
 * interactions, so it is done at most once per change: browsers poll, and most
 * polls between two batches of product events are then a Map lookup (and a 304).
 */
export function createCooccurrenceCache(store: EventStore, options: CooccurrenceOptions = {}): (site: string) => CachedTable {
  const cache = new Map<string, CachedTable & { version: number }>();
  return (site) => {
    const version = store.productsVersion(site);
    const hit = cache.get(site);
    if (hit && hit.version === version) return hit;
    const body = JSON.stringify(cooccurrence(store.interactions(site), options));
    const entry = { body, etag: etagOf(body), version };
    cache.set(site, entry);
    return entry;
  };
}
