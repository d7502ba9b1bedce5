// @vitest-environment node
import Database from 'better-sqlite3';
import { open } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startCollector } from '../../server';
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
    const again = await startCollector({ port: 0, db: c.dbFile, log: () => undefined });
    expect((await fetch(`${again.url}/healthz`)).status).toBe(200);
    await again.close();
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
    await expect(startCollector({ port: 0, db: c.dbFile, log: () => undefined })).rejects.toThrow(
      new RegExp(`database ${c.dbFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is corrupt`),
    );
  });
});
