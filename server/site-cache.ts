/**
 * A per-site response computed from the site's product interactions and cached until
 * they change: what `/v1/cooccurrence` and `/v1/popular` serve.
 */
import type { EventStore } from './event-store';
import { etagOf } from './respond';

/** A computed response, serialised, with its ETag. */
export interface CachedTable {
  body: string;
  etag: string;
}

/**
 * Returns a function giving a site's response. Computing reads all the site's
 * interactions, so it is done at most once per change (`store.productsVersion`):
 * browsers poll, and most polls between two batches of product events are then a
 * Map lookup (and a 304). `compute` must give the same value for the same
 * interactions, so an unchanged table keeps its ETag.
 */
export function createSiteCache(store: EventStore, compute: (site: string) => unknown): (site: string) => CachedTable {
  const cache = new Map<string, CachedTable & { version: number }>();
  return (site) => {
    const version = store.productsVersion(site);
    const hit = cache.get(site);
    if (hit && hit.version === version) return hit;
    const body = JSON.stringify(compute(site));
    const entry = { body, etag: etagOf(body), version };
    cache.set(site, entry);
    return entry;
  };
}
