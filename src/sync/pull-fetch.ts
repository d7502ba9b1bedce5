import type { Pulled } from './pull';

/**
 * Fetches `url` afresh, revalidating `cached` by its ETag (a 304 keeps its body and
 * renews its time). Our own cache keeps the ETag, so the browser's HTTP cache stays
 * out of the way. Loaded after the first paint (stage 2): the tag itself only reads
 * what was pulled before.
 */
export async function fetchPulled(url: string, cached: Pulled | undefined): Promise<Pulled> {
  const response = await fetch(url, {
    headers: cached?.etag ? { 'If-None-Match': cached.etag } : {},
    cache: 'no-store',
  });
  if (response.status !== 304 && !response.ok) throw new Error(`${response.status} from ${url}`);
  return response.status === 304 && cached
    ? { ...cached, at: Date.now() }
    : { body: await response.json(), etag: response.headers.get('ETag') ?? undefined, at: Date.now() };
}
