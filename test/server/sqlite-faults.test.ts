// @vitest-environment node
import Database from 'better-sqlite3';
import { open } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startCollector } from '../../server';
import { workerModule } from './worker-module';
import { batchOf, startTestCollector, trackEvent, type TestCollector } from './helpers';

let c: TestCollector;
let other: Database.Database | undefined;
afterEach(async () => {
  other?.close();
  other = undefined;
  await c.stop();
});

const timed = async <T>(run: () => Promise<T>): Promise<[T, number]> => {
  const start = performance.now();
  const value = await run();
  return [value, performance.now() - start];
};

describe('another process holding the write lock', () => {
  it('answers writes 503 with Retry-After at once, storing nothing, while /healthz and reads do not wait', async () => {
    c = await startTestCollector();
    await c.post(batchOf([trackEvent('Variant Viewed', { placement: 'p', variant: 'a' })]));
    // A read folds the stored batch into the aggregates; while the lock is held below, reads
    // answer at once from what is folded (a fold never waits for the lock).
    await fetch(`${c.url}/v1/stats`);
    other = new Database(c.dbFile);
    other.exec('BEGIN IMMEDIATE');
    other.prepare("INSERT INTO variant_stats (site, placement, variant, segment) VALUES ('x', 'x', 'x', '')").run();

    const batch = batchOf([trackEvent('Variant Viewed', { placement: 'p', variant: 'a' }), trackEvent('Product Viewed', { product_id: 'p1' })]);
    const [writes, writeMs] = await timed(() => Promise.all(Array.from({ length: 10 }, () => c.post(batch))));
    for (const res of writes) {
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect((await res.json()).error).toMatch(/busy/);
    }
    // One short wait for the lock in all, not five seconds per request.
    expect(writeMs).toBeLessThan(1000);
    const [health, healthMs] = await timed(() => fetch(`${c.url}/healthz`));
    expect(health.status).toBe(200);
    // Bounds generous for a loaded machine; waiting for the lock took 5 s.
    expect(healthMs).toBeLessThan(250);
    const [stats, statsMs] = await timed(() => fetch(`${c.url}/v1/stats`).then((r) => r.json()));
    expect(stats.variants[0].impressions).toBe(1);
    expect(statsMs).toBeLessThan(250);
    expect(other.prepare('SELECT count(*) AS n FROM events').get()).toEqual({ n: 1 });

    other.exec('ROLLBACK');
    const after = await c.post(batch);
    expect(await after.json()).toEqual({ stored: 2, duplicates: 0, rejected: [] });
  });
});

describe('starting', () => {
  it('starts on an existing file while another process holds its write lock', async () => {
    c = await startTestCollector();
    await c.close();
    other = new Database(c.dbFile);
    other.exec('BEGIN IMMEDIATE');
    const again = await startCollector({ port: 0, db: c.dbFile, workerModule: await workerModule(), log: () => undefined });
    expect((await fetch(`${again.url}/healthz`)).status).toBe(200);
    await again.close();
  });

  it('folds what the last run left unfolded once the lock is free, before and apart from what it stores itself', async () => {
    // Page views, which the aggregates count one by one (daily_counts' `page`): a double fold shows.
    const pageView = (anonymousId: string) => ({ ...trackEvent('unused', {}, { anonymousId }), type: 'page', event: undefined, name: 'Home' });
    const pages = (db: Database.Database) => (db.prepare("SELECT coalesce(sum(count), 0) AS n FROM daily_counts WHERE metric = 'page'").get() as { n: number }).n;
    c = await startTestCollector();
    await c.post(batchOf([pageView('first')]));
    await fetch(`${c.url}/v1/stats`);
    await c.close();
    // An event stored but never folded, as a run stopped between its batch and its fold leaves it.
    other = new Database(c.dbFile);
    const [row] = other.prepare('SELECT * FROM events').all() as Record<string, unknown>[];
    const payload = { ...JSON.parse(row.payload as string), messageId: 'left-unfolded', anonymousId: 'second' };
    other
      .prepare('INSERT INTO events (site, message_id, type, event, anonymous_id, user_id, timestamp, received_at, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(row.site, 'left-unfolded', row.type, row.event, 'second', row.user_id, row.timestamp, row.received_at, JSON.stringify(payload));
    expect(pages(other)).toBe(1);
    // The next run starts while the lock is taken, so its catch-up waits.
    other.exec('BEGIN IMMEDIATE');
    const again = await startCollector({ port: 0, db: c.dbFile, workerModule: await workerModule(), log: () => undefined });
    try {
      other.exec('ROLLBACK');
      // Stored and queued by this run while its catch-up was still pending: each is counted once.
      const res = await fetch(`${again.url}/v1/batch`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(batchOf([pageView('third')])) });
      expect(await res.json()).toMatchObject({ stored: 1 });
      await fetch(`${again.url}/v1/stats`);
      expect(pages(other)).toBe(3);
    } finally {
      await again.close();
    }
  });
});

describe('a corrupt database file', () => {
  it('is refused at start with an error naming the file', async () => {
    c = await startTestCollector();
    const payload = 'x'.repeat(2000);
    for (let b = 0; b < 4; b++) await c.post(batchOf(Array.from({ length: 100 }, (_, i) => trackEvent('Filler', { b, i, payload }))));
    await c.close();
    const { size } = statSync(c.dbFile);
    expect(size).toBeGreaterThan(100 * 4096);
    // Garbage over a few pages in the middle of the file, as a failing disk leaves it.
    const file = await open(c.dbFile, 'r+');
    const junk = Buffer.alloc(3 * 4096, 0xa5);
    await file.write(junk, 0, junk.length, Math.floor(size / 2 / 4096) * 4096);
    await file.close();
    await expect(startCollector({ port: 0, db: c.dbFile, workerModule: await workerModule(), log: () => undefined })).rejects.toThrow(
      new RegExp(`database ${c.dbFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is corrupt`),
    );
  });
});
