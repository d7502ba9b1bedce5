// @vitest-environment node
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createRepeatLog } from '../../server/repeat-log';
import { batchOf, startTestCollector, trackEvent, type TestCollector } from './helpers';

let c: TestCollector | undefined;
afterEach(() => c?.stop());

describe('repeated problems are logged once, then counted', () => {
  it('logs one stack trace for 40 requests failing alike, then a summary with the count', async () => {
    const logged: string[] = [];
    c = await startTestCollector({ log: (m) => logged.push(m), repeatedLogWindowMs: 1000 });
    // A real fault inside SQLite: every insert into events now fails, as on a full disk.
    const other = new Database(c.dbFile);
    other.exec("CREATE TRIGGER broken BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'disk full (injected)'); END");
    other.close();
    for (let i = 0; i < 40; i++) expect((await c.post(batchOf([trackEvent('Lost')]))).status).toBe(500);
    await new Promise((resolve) => setTimeout(resolve, 1300));
    // One line in full, with its stack; the rest as counts, once per window (as many as passed).
    // A window with no repeat forgets the problem (logged in full again): the window is long
    // enough that one request never outlasts it on a loaded machine.
    const [first, ...summaries] = logged;
    expect(first).toMatch(/POST \/v1\/batch failed: .*disk full \(injected\)/);
    expect(first).toMatch(/\n\s+at /);
    expect(summaries.length).toBeGreaterThan(0);
    const counts = summaries.map((line) => [line, Number(/disk full \(injected\): repeated (\d+) times? in the last 1 s$/.exec(line)?.[1])] as const);
    expect(counts.filter(([, n]) => Number.isNaN(n))).toEqual([]);
    expect(counts.reduce((a, [, n]) => a + n, 0)).toBe(39);
  });

  it('keeps memory bounded: past maxKeys distinct problems, new ones are only counted', () => {
    const logged: string[] = [];
    const log = createRepeatLog((m) => logged.push(m), { windowMs: 60_000, maxKeys: 3 });
    for (let i = 0; i < 1000; i++) log(`problem ${i % 500}`, `problem ${i % 500} in full`);
    log.close();
    expect(logged).toEqual([
      'problem 0 in full',
      'problem 1 in full',
      'problem 2 in full',
      'more than 3 distinct problems in 60 s; further ones are only counted',
      'problem 0: repeated 1 time in the last 60 s',
      'problem 1: repeated 1 time in the last 60 s',
      'problem 2: repeated 1 time in the last 60 s',
      'other problems: repeated 994 times in the last 60 s',
    ]);
  });

  it('summarises large counts readably and forgets a problem that stopped', () => {
    const logged: string[] = [];
    const log = createRepeatLog((m) => logged.push(m), { windowMs: 60_000 });
    for (let i = 0; i < 1235; i++) log('disk', 'disk full');
    log.flush();
    log.flush();
    log('disk', 'disk full again');
    log.close();
    expect(logged).toEqual(['disk full', 'disk: repeated 1,234 times in the last 60 s', 'disk full again']);
  });

  it('keeps a problem first seen just before a summary through the next window', () => {
    const logged: string[] = [];
    const log = createRepeatLog((m) => logged.push(m), { windowMs: 60_000 });
    log('disk', 'disk full');
    log.flush();
    log('disk', 'disk full');
    log.flush();
    log.flush();
    log('disk', 'disk full');
    log.close();
    expect(logged).toEqual(['disk full', 'disk: repeated 1 time in the last 60 s', 'disk full']);
  });
});
