import { afterEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import { createPuller } from '../../src/sync/pull';
import { fetchPulled } from '../../src/sync/pull-fetch';
import { openDatabase } from '../../src/store/database';

let n = 0;
const servers: http.Server[] = [];
afterEach(() => servers.splice(0).forEach((server) => server.close()));

/** A real server on 127.0.0.1 answering /v1/stats with an ETag, and 304 when it still matches. */
async function statsServer() {
  const seen: { url: string; ifNoneMatch?: string }[] = [];
  let body = { variants: [{ placement: 'hero', variant: 'a', impressions: 10, conversions: 1 }] };
  let etag = '"v1"';
  let failing = false;
  const server = http.createServer((req, res) => {
    // happy-dom's fetch keeps its own HTTP cache whatever the request's `cache` mode; no-store keeps it out.
    const cors = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': 'If-None-Match', 'Access-Control-Expose-Headers': 'ETag', 'Cache-Control': 'no-store' };
    if (req.method === 'OPTIONS') return res.writeHead(204, cors).end();
    seen.push({ url: req.url!, ifNoneMatch: req.headers['if-none-match'] });
    if (failing) return res.writeHead(503, cors).end('down');
    if (req.headers['if-none-match'] === etag) return res.writeHead(304, { ...cors, ETag: etag }).end();
    res.writeHead(200, { ...cors, ETag: etag, 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return {
    endpoint: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    seen,
    change(next: typeof body, nextEtag: string) {
      body = next;
      etag = nextEtag;
    },
    fail: (on: boolean) => (failing = on),
  };
}

describe('pulls', () => {
  it('fetches once, then answers from the cache while it is fresh', async () => {
    const server = await statsServer();
    const store = openDatabase(`pull-${n++}`, { onFallback: () => {} }).store('state');
    const puller = createPuller(server.endpoint, 'shop 1', store, () => {}, fetchPulled);
    expect(puller.get('stats')).toBeUndefined();
    const first = await puller.pull('stats', 60_000);
    expect(first).toEqual({ variants: [{ placement: 'hero', variant: 'a', impressions: 10, conversions: 1 }] });
    expect(await puller.pull('stats', 60_000)).toEqual(first);
    expect(puller.get('stats')).toEqual(first);
    expect(server.seen).toEqual([{ url: '/v1/stats?site=shop%201', ifNoneMatch: undefined }]);
  });

  it('revalidates a stale copy with its ETag, answering from the cache meanwhile', async () => {
    // The 304 answer itself is tested in Chromium (test/e2e/pull.test.ts): happy-dom's fetch mistakes it for its own cache's.
    const server = await statsServer();
    const store = openDatabase(`pull-${n++}`, { onFallback: () => {} }).store('state');
    const puller = createPuller(server.endpoint, 'shop', store, () => {}, fetchPulled);
    const first = await puller.pull('stats', 0);
    server.change({ variants: [] }, '"v2"');
    // Stale: answered from the cache at once, refreshed in the background.
    expect(await puller.pull('stats', -1)).toEqual(first);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.seen.map((s) => s.ifNoneMatch)).toEqual([undefined, '"v1"']);
    expect(puller.get('stats')).toEqual({ variants: [] });
  });

  it('is cached in storage, so the next page needs no request', async () => {
    const server = await statsServer();
    const name = `pull-${n++}`;
    await createPuller(server.endpoint, 'shop', openDatabase(name, { onFallback: () => {} }).store('state'), () => {}, fetchPulled).pull('stats', 60_000);
    const nextPage = createPuller(server.endpoint, 'shop', openDatabase(name, { onFallback: () => {} }).store('state'), () => {}, fetchPulled);
    expect(await nextPage.pull('stats', 60_000)).toMatchObject({ variants: [{ placement: 'hero' }] });
    expect(server.seen).toHaveLength(1);
  });

  it('keeps the cached copy when a refresh fails, and reports it', async () => {
    const server = await statsServer();
    const problems: string[] = [];
    const puller = createPuller(server.endpoint, 'shop', openDatabase(`pull-${n++}`, { onFallback: () => {} }).store('state'), (code, path, problem) =>
      problems.push(`${code} ${path} ${String((problem as Error).message ?? problem)}`),
      fetchPulled,
    );
    const first = await puller.pull('stats', 60_000);
    server.fail(true);
    expect(await puller.pull('stats', -1)).toEqual(first);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(puller.get('stats')).toEqual(first);
    expect(problems).toEqual([expect.stringMatching(/^pull-failed sync.pull.stats 503 from http:.*\/v1\/stats\?site=shop$/)]);
  });
});
