import type { Json } from '../core/types';
import type { KeyValueStore } from '../store/database';

/** A pulled body as cached in the `state` store (`pull:<name>`). */
export interface Pulled {
  body: Json;
  etag?: string;
  at: number;
}

/**
 * Brings back what one browser cannot know alone (`/v1/stats`, `/v1/cooccurrence`,
 * `/v1/config`): cached in the `state` store with its ETag, answered from the cache
 * at once, refreshed in the background when older than `maxAgeMs`. Never on the
 * critical path; a failed refresh keeps the cached copy and is reported. The fetch
 * itself is `fetchFresh` (src/sync/pull-fetch.ts), which the script tag loads with
 * its second stage, after the first paint.
 */
export function createPuller(
  endpoint: string | undefined,
  site: string,
  store: KeyValueStore,
  fail: (code: string, path: string, problem: unknown) => void,
  fetchFresh: (url: string, cached: Pulled | undefined) => Promise<Pulled>,
) {
  const cache: Record<string, Pulled | undefined> = {};
  const refreshing: Record<string, Promise<Json | undefined> | undefined> = {};

  const refresh = async (name: string, url: string) => {
    const fresh = await fetchFresh(url, cache[name]);
    cache[name] = fresh;
    await store.setMany([[`pull:${name}`, fresh]]);
    return fresh.body;
  };

  return {
    /**
     * The cached body of `name` (read from storage on first use), refreshed in the
     * background when stale, from `url` (default: the endpoint's `/v1/<name>`).
     */
    async pull(name: string, maxAgeMs: number, url = endpoint && `${endpoint}/v1/${name}?site=${encodeURIComponent(site)}`): Promise<Json | undefined> {
      cache[name] ??= await store.get<Pulled>(`pull:${name}`);
      const cached = cache[name];
      if (url && (!cached || Date.now() - cached.at > maxAgeMs)) {
        refreshing[name] ??= refresh(name, url)
          .catch((error) => void fail('pull-failed', `sync.pull.${name}`, error))
          .finally(() => (refreshing[name] = undefined));
        if (!cached) return refreshing[name];
      }
      return cached?.body;
    },
    /** What was last pulled for `name`, synchronously; undefined before the first pull. */
    get: (name: string): Json | undefined => cache[name]?.body,
    /** When `name` was last fetched or revalidated, in milliseconds since the epoch. */
    at: (name: string): number | undefined => cache[name]?.at,
  };
}
