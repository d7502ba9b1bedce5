// The sync client against the real collector, in a real Chromium: every event the page
// recorded reaches SQLite exactly once, through a normal session, a reload in the middle
// of a batch, a collector that is down for a while, one that answers 500, and two tabs.
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CollectorOptions, RunningCollector } from '../../server';
import { attuneReady, describeE2E, firstPage, setupE2E } from './browser';

const COLLECTOR = fileURLToPath(new URL('../../dist/collector.mjs', import.meta.url));
const SITE = 'sync';
/** Longest wait for anything to arrive; backoff after three failures is at most 1 + 2 + 4 s. */
const ARRIVAL = { timeout: 20_000, interval: 100 };

/** A request the proxy saw: the messageIds in its body, how it was sent, and what it was answered. */
interface Post {
  ids: string[];
  contentType: string;
  status: number;
}

/** A forwarding proxy in front of the collector that notes every POST and can fail the first ones. */
interface Proxy {
  url: string;
  posts: Post[];
  close(): Promise<void>;
}

const idsIn = (body: Buffer): string[] => {
  try {
    const batch = (JSON.parse(body.toString('utf8')) as { batch?: { messageId?: string }[] }).batch;
    return Array.isArray(batch) ? batch.map((event) => String(event.messageId)) : [];
  } catch {
    return [];
  }
};

/** Starts a proxy to `target` answering 500 (readable by the page: CORS headers) to its first `failFirst` POSTs. */
async function startProxy(target: string, failFirst = 0): Promise<Proxy> {
  const posts: Post[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const post: Post | undefined =
        req.method === 'POST' ? { ids: idsIn(body), contentType: String(req.headers['content-type']), status: 0 } : undefined;
      if (post) posts.push(post);
      if (post && posts.length <= failFirst) {
        post.status = 500;
        res.writeHead(500, {
          'Content-Type': 'application/json',
          'Access-Control-Allow-Origin': req.headers.origin ?? '*',
          Vary: 'Origin',
        });
        res.end(JSON.stringify({ error: 'injected failure' }));
        return;
      }
      const headers: IncomingHttpHeaders = { ...req.headers, host: new URL(target).host };
      const upstream = request(`${target}${req.url}`, { method: req.method, headers }, (answer) => {
        if (post) post.status = answer.statusCode!;
        res.writeHead(answer.statusCode!, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', () => {
        if (post) post.status = 502;
        res.writeHead(502, { 'Access-Control-Allow-Origin': req.headers.origin ?? '*' });
        res.end();
      });
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    posts,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Each messageId stored for the site, with how many rows it has, read through a separate read-only connection. */
function storedRows(dbFile: string): { message_id: string; anonymous_id: string; rows: number }[] {
  const db = new Database(dbFile, { readonly: true });
  try {
    return db
      .prepare('SELECT message_id, anonymous_id, count(*) AS rows FROM events WHERE site = ? GROUP BY message_id, anonymous_id')
      .all(SITE) as { message_id: string; anonymous_id: string; rows: number }[];
  } finally {
    db.close();
  }
}

const outboxSize = (page: Page) => page.evaluate(() => window.Attune.outboxSize());
const exported = (page: Page) => page.evaluate(() => window.Attune.export()).then((data) => data!);
/** What the fixture noted in sessionStorage: every event this tab committed, as [messageId, name, anonymousId]. */
const seen = (page: Page) => page.evaluate(() => JSON.parse(sessionStorage.getItem('attune-seen') ?? '[]') as [string, string, string][]);
/** Tracks `count` events named `name` in one task (so they are written and enqueued together). */
const track = (page: Page, name: string, count: number) =>
  page.evaluate(([n, c]) => {
    for (let i = 0; i < c; i++) window.Attune.track(n, { i });
  }, [name, count] as const);

describeE2E('sync to the real collector, exactly once', () => {
  const e2e = setupE2E();
  let startCollector: (options: CollectorOptions) => Promise<RunningCollector>;
  let tmp = '';
  let dbs = 0;
  const running = new Set<{ close(): Promise<void> }>();

  beforeAll(async () => {
    if (!existsSync(COLLECTOR)) throw new Error(`${COLLECTOR} missing: run \`npm run build\` first.`);
    ({ startCollector } = (await import(pathToFileURL(COLLECTOR).href)) as typeof import('../../server'));
    tmp = await mkdtemp(join(tmpdir(), 'attune-sync-e2e-'));
  });

  afterAll(async () => {
    await Promise.all([...running].map((server) => server.close().catch(() => undefined)));
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  /** The real collector on 127.0.0.1 (a free port unless given), on a new SQLite file unless given. */
  const collector = async (port = 0, dbFile = join(tmp, `collector-${++dbs}.sqlite`)) => {
    const origins = [new URL(e2e.url()).origin];
    const started = await startCollector({ port, host: '127.0.0.1', db: dbFile, origins, log: () => undefined });
    const handle = { ...started, dbFile, close: () => (running.delete(handle), started.close()) };
    running.add(handle);
    return handle;
  };
  const proxy = async (target: string, failFirst = 0) => {
    const started = await startProxy(target, failFirst);
    running.add(started);
    return started;
  };

  /** The fixture page, syncing to `endpoint`. */
  const syncPage = (endpoint: string) => e2e.url(`/sync.html?endpoint=${encodeURIComponent(endpoint)}`);

  /**
   * Waits until the outbox is empty and the collector holds exactly the events the
   * page recorded, then checks each is stored once, for this visitor. "Recorded" is
   * every event in the device's log (`Attune.export()`) and every event the tabs
   * committed (noted by the fixture): nothing in the log may be missing from SQLite,
   * nor anything a tab committed (web vitals included, though they report their final
   * values on `visibilitychange` to hidden, after pagehide), and SQLite holds nothing
   * else for the site. An event beaconed while the page unloads may be stored
   * by the collector even though the page's own log write was cut short.
   */
  const expectExactlyOnce = async (page: Page, dbFile: string, tabs: Page[] = [page]) => {
    await expect.poll(() => outboxSize(page), ARRIVAL).toBe(0);
    // Web vitals may still be recorded and sent meanwhile: wait for the two sides to agree.
    const difference = async () => {
      const stored = new Set(storedRows(dbFile).map((row) => row.message_id));
      const { events } = await exported(page);
      const committed = (await Promise.all(tabs.map(seen))).flat();
      const recorded = new Set([...events.map((event) => event.messageId), ...committed.map(([id]) => id)]);
      const missing = [...events.map((event): [string, string] => [event.messageId, event.event ?? event.type]), ...committed].filter(
        ([id]) => !stored.has(id),
      );
      return {
        notStored: [...new Set(missing.map(([id, name]) => `${id} ${name}`))],
        notRecorded: [...stored].filter((id) => !recorded.has(id)),
      };
    };
    await expect.poll(difference, ARRIVAL).toEqual({ notStored: [], notRecorded: [] });
    const { events } = await exported(page);
    const committed = (await Promise.all(tabs.map(seen))).flat();
    const rows = storedRows(dbFile);
    expect(new Set(events.map((event) => event.messageId)).size).toBe(events.length);
    expect(rows.filter((row) => row.rows !== 1)).toEqual([]);
    // Each is stored for the visitor it was recorded for.
    const visitor = new Map<string, string>(committed.map(([id, , anonymousId]) => [id, anonymousId]));
    events.forEach((event) => visitor.set(event.messageId, event.anonymousId));
    expect(rows.filter((row) => row.anonymous_id !== visitor.get(row.message_id))).toEqual([]);
    return { events, rows };
  };

  /** The names of the stored events (track events' names, else their type), timed ones aside, sorted. */
  const storedNames = (dbFile: string) => {
    const db = new Database(dbFile, { readonly: true });
    try {
      const rows = db.prepare('SELECT coalesce(event, type) AS name FROM events WHERE site = ?').all(SITE) as { name: string }[];
      return rows.map((row) => row.name).filter((name) => name !== 'Web Vital Measured' && name !== 'Page Engaged').sort();
    } finally {
      db.close();
    }
  };

  /** Counts how often each messageId was POSTed. */
  const postCounts = (posts: Post[]) => {
    const counts = new Map<string, number>();
    for (const post of posts) for (const id of post.ids) counts.set(id, (counts.get(id) ?? 0) + 1);
    return counts;
  };

  it('a normal session: page view, tracks, a click, tracked links to further pages; the outbox drains to 0', async () => {
    const server = await collector();
    const { page, pageErrors } = await firstPage(await e2e.launch());
    await page.goto(syncPage(server.url));
    await attuneReady(page);
    await track(page, 'Step Done', 3);
    await page.evaluate(() => window.Attune.productViewed({ product_id: 'trail-runner', category: 'shoes', price: 119 }));
    await page.click('#buy');
    // A tracked link: the click is recorded as the page starts to leave. Three pages on.
    for (const step of [2, 3, 4]) {
      await page.click('#next');
      await page.waitForURL(new RegExp(`step=${step}`));
      await attuneReady(page);
    }
    await track(page, 'Last Page Done', 2);
    await page.evaluate(() => window.Attune.flush());

    await expectExactlyOnce(page, server.dbFile);
    const expected = ['page', 'page', 'page', 'page', 'Step Done', 'Step Done', 'Step Done', 'Product Viewed', 'Buy Clicked'];
    expected.push('Next Page Clicked', 'Next Page Clicked', 'Next Page Clicked', 'Last Page Done', 'Last Page Done');
    expect(storedNames(server.dbFile)).toEqual(expected.sort());
    expect(pageErrors).toEqual([]);
  });

  it('a reload in the middle of a batch: the waiting events are stored once, beaconed and resent', async () => {
    const server = await collector();
    const forward = await proxy(server.url);
    const { page, pageErrors } = await firstPage(await e2e.launch());
    await page.goto(syncPage(forward.url));
    await attuneReady(page);
    await page.evaluate(() => window.Attune.flush());
    await expect.poll(() => outboxSize(page), ARRIVAL).toBe(0);

    // Fewer than a batch: stored, and waiting for the 5 s timer when the page reloads.
    await track(page, 'Before Reload', 5);
    await expect.poll(() => outboxSize(page), ARRIVAL).toBe(5);
    const waiting = (await exported(page)).events.filter((event) => event.event === 'Before Reload').map((event) => event.messageId);
    expect(waiting).toHaveLength(5);
    await page.reload();
    await attuneReady(page);
    await page.evaluate(() => window.Attune.flush());

    await expectExactlyOnce(page, server.dbFile);
    expect(storedNames(server.dbFile)).toEqual(['Before Reload', 'Before Reload', 'Before Reload', 'Before Reload', 'Before Reload', 'page', 'page']);
    // The unload beacon (text/plain) carried the waiting events; the next page sent them again from the outbox.
    const counts = postCounts(forward.posts);
    expect(forward.posts.some((post) => post.contentType.startsWith('text/plain') && waiting.every((id) => post.ids.includes(id)))).toBe(true);
    expect(waiting.map((id) => counts.get(id))).toEqual([2, 2, 2, 2, 2]);
    expect(pageErrors).toEqual([]);
  });

  it('a reload straight after tracking, in the same task: nothing is lost', async () => {
    const server = await collector();
    const { page, pageErrors } = await firstPage(await e2e.launch());
    await page.goto(syncPage(server.url));
    await attuneReady(page);
    await page.evaluate(() => {
      for (let i = 0; i < 5; i++) window.Attune.track('Right Before Reload', { i });
      location.reload();
    });
    await page.waitForLoadState('load');
    await attuneReady(page);
    await page.evaluate(() => window.Attune.flush());

    await expectExactlyOnce(page, server.dbFile);
    expect(storedNames(server.dbFile)).toEqual(['Right Before Reload', 'Right Before Reload', 'Right Before Reload', 'Right Before Reload', 'Right Before Reload', 'page', 'page']);
    expect(pageErrors).toEqual([]);
  });

  it('an event recorded as the page turns hidden while leaving, after pagehide (as web vitals are): beaconed and stored once', async () => {
    const server = await collector();
    const forward = await proxy(server.url);
    const { page, pageErrors } = await firstPage(await e2e.launch());
    await page.goto(syncPage(forward.url));
    await attuneReady(page);
    await page.evaluate(() => {
      addEventListener('pagehide', () => sessionStorage.setItem('order', 'pagehide'));
      document.addEventListener('visibilitychange', () => {
        if (document.visibilityState !== 'hidden') return;
        sessionStorage.setItem('order', sessionStorage.getItem('order') + ', hidden');
        window.Attune.track('Reported When Hidden');
      });
    });
    await page.reload();
    await attuneReady(page);
    // The case at hand: the browser turned the page hidden after pagehide, not before.
    expect(await page.evaluate(() => sessionStorage.getItem('order'))).toBe('pagehide, hidden');
    await page.evaluate(() => window.Attune.flush());

    await expectExactlyOnce(page, server.dbFile);
    expect(storedNames(server.dbFile)).toEqual(['Reported When Hidden', 'page', 'page']);
    // It went out with the leaving page (a beacon is text/plain), not only from the next page's outbox.
    const [id] = (await seen(page)).find(([, name]) => name === 'Reported When Hidden')!;
    expect(forward.posts.some((post) => post.contentType.startsWith('text/plain') && post.ids.includes(id))).toBe(true);
    expect(pageErrors).toEqual([]);
  });

  it('the collector stopped for a while and started again on the same port and file', async () => {
    let server = await collector();
    const { port, dbFile } = server;
    const { page, pageErrors } = await firstPage(await e2e.launch());
    const failures: string[] = [];
    page.on('requestfailed', (req) => req.url().includes('/v1/batch') && failures.push(req.failure()?.errorText ?? ''));
    await page.goto(syncPage(server.url));
    await attuneReady(page);
    await page.evaluate(() => window.Attune.flush());
    await expect.poll(() => outboxSize(page), ARRIVAL).toBe(0);

    await server.close();
    await track(page, 'While Down', 4);
    await page.evaluate(() => window.Attune.flush());
    // The first attempt and at least one retry fail; the events stay in the outbox.
    await expect.poll(() => failures.length, ARRIVAL).toBeGreaterThanOrEqual(2);
    await track(page, 'Still Down', 3);
    await page.evaluate(() => window.Attune.flush());
    expect(await outboxSize(page)).toBe(7);

    server = await collector(port, dbFile);
    await page.evaluate(() => window.Attune.flush());
    await expectExactlyOnce(page, dbFile);
    expect(storedNames(dbFile)).toEqual(['Still Down', 'Still Down', 'Still Down', 'While Down', 'While Down', 'While Down', 'While Down', 'page']);
    expect(pageErrors).toEqual([]);
  });

  it('a collector answering 500 three times: retried with backoff, then stored once', async () => {
    const server = await collector();
    const failing = await proxy(server.url, 3);
    const { page, pageErrors } = await firstPage(await e2e.launch());
    await page.goto(syncPage(failing.url));
    await attuneReady(page);
    await track(page, 'Retried', 6);
    await page.evaluate(() => window.Attune.flush());

    await expectExactlyOnce(page, server.dbFile);
    expect(storedNames(server.dbFile)).toEqual(['Retried', 'Retried', 'Retried', 'Retried', 'Retried', 'Retried', 'page']);
    expect(failing.posts.slice(0, 3).map((post) => post.status)).toEqual([500, 500, 500]);
    expect(failing.posts.length).toBeGreaterThan(3);
    // The failed events were the ones sent again: each was refused at least once and then taken.
    const counts = postCounts(failing.posts);
    const refused = new Set(failing.posts.filter((post) => post.status === 500).flatMap((post) => post.ids));
    const taken = new Set(failing.posts.filter((post) => post.status === 200).flatMap((post) => post.ids));
    expect(refused.size).toBeGreaterThan(0);
    expect([...refused].filter((id) => !taken.has(id))).toEqual([]);
    expect([...counts.values()].every((n) => n >= 1)).toBe(true);
    expect(pageErrors).toEqual([]);
  });

  it('two tabs of the same site tracking at once: all stored once, none sent in two requests', async () => {
    const server = await collector();
    const forward = await proxy(server.url);
    const context: BrowserContext = await e2e.launch();
    const { page: first, pageErrors } = await firstPage(context);
    await first.goto(syncPage(forward.url));
    await attuneReady(first);
    // The second tab opens once the first has stored the visitor, so both share one anonymous id.
    await first.evaluate(() => window.Attune.flush());
    const second = await context.newPage();
    second.on('pageerror', (error) => pageErrors.push(error));
    await second.goto(syncPage(forward.url));
    await attuneReady(second);

    // Each tab tracks 30 events in small groups at random moments, at the same time as the other.
    const burst = (page: Page, name: string) =>
      page.evaluate(async (n) => {
        for (let i = 0; i < 30; ) {
          const group = 1 + Math.floor(Math.random() * 4);
          for (let j = 0; j < group && i < 30; j++, i++) window.Attune.track(n, { i });
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 40));
        }
        await window.Attune.flush();
      }, name);
    await Promise.all([burst(first, 'First Tab'), burst(second, 'Second Tab')]);

    const { rows } = await expectExactlyOnce(first, server.dbFile, [first, second]);
    const names = storedNames(server.dbFile);
    expect(names.filter((name) => name === 'First Tab')).toHaveLength(30);
    expect(names.filter((name) => name === 'Second Tab')).toHaveLength(30);
    expect(names.filter((name) => name === 'page')).toHaveLength(2);
    expect(new Set(rows.map((row) => row.anonymous_id)).size).toBe(1);
    expect(await outboxSize(second)).toBe(0);
    // Each event went out in exactly one request, and every request was taken.
    const counts = postCounts(forward.posts);
    expect([...counts].filter(([, n]) => n !== 1)).toEqual([]);
    expect(counts.size).toBe(rows.length);
    expect(forward.posts.filter((post) => post.status !== 200)).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
