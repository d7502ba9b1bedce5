// Delivery under load and on hostile pages, in a real Chromium against the real
// collector: a burst of 2,000 events and a steady trickle for two minutes all arrive
// while the visitor stays on the page (Chromium's 64 KB keepalive quota once stopped
// sending after about 64 KB per page); bad events are refused at birth without
// sinking good ones; a sandboxed frame, whose Web Locks and storage refuse, still
// sends; a page that breaks its globals still gets every event, intact.
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { attuneReady, describeE2E, firstPage, setupE2E } from './browser';
import { storedRows, useCollector, type StoredRow } from './collector';

declare global {
  interface Window {
    attuneProblems: [string, string][];
    pageProblems: string[];
    frameProblems: string[];
  }
}

const SECOND = 1000;
/** The `i` property of each stored event named `name`, in storage order. */
const indexes = (rows: StoredRow[], name: string) =>
  rows.filter((row) => row.event === name).map((row) => (JSON.parse(row.payload) as { properties: { i: number } }).properties.i);
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k);
const sorted = (list: number[]) => [...list].sort((a, b) => a - b);

describeE2E('delivery under load and on hostile pages', () => {
  const e2e = setupE2E();
  const collector = useCollector();
  const origin = () => new URL(e2e.url()).origin;
  const open = async (path: string) => {
    const { page, pageErrors } = await firstPage(await e2e.launch());
    await page.goto(e2e.url(path));
    return { page, pageErrors };
  };
  const problems = (page: Page) => page.evaluate(() => ({ attune: window.attuneProblems, page: window.pageProblems }));

  it('2,000 events tracked in one loop, then a trickle for two minutes: all stored once while the page stays open', { timeout: 240 * SECOND }, async () => {
    const server = await collector([origin()]);
    const { page, pageErrors } = await open(`/hostile.html?site=burst&endpoint=${encodeURIComponent(server.url)}`);
    await attuneReady(page);
    await page.evaluate(() => {
      for (let i = 0; i < 2000; i++) window.Attune.track('KA', { i, padding: 'x'.repeat(40) });
    });
    // Far more than 64 KB: the old sender stopped after 100 of them.
    await expect.poll(() => indexes(storedRows(server.dbFile, 'burst'), 'KA').length, { timeout: 60 * SECOND, interval: 250 }).toBe(2000);
    expect(sorted(indexes(storedRows(server.dbFile, 'burst'), 'KA'))).toEqual(range(0, 2000));

    // Ten events every 5.5 s for two minutes: the old sender stopped after about 62 s.
    const trickle = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          let i = 0;
          const timer = setInterval(() => {
            for (let k = 0; k < 10; k++) window.Attune.track('Trickle', { i: i++ });
            if (i >= 220) clearInterval(timer), resolve(i);
          }, 5500);
        }),
    );
    expect(trickle).toBe(220);
    await expect.poll(() => indexes(storedRows(server.dbFile, 'burst'), 'Trickle').length, { timeout: 30 * SECOND, interval: 250 }).toBe(220);
    expect(sorted(indexes(storedRows(server.dbFile, 'burst'), 'Trickle'))).toEqual(range(0, 220));
    expect(await page.evaluate(() => window.Attune.outboxSize())).toBe(0);
    expect(await problems(page)).toEqual({ attune: [], page: [] });
    expect(pageErrors).toEqual([]);
  });

  it('a bad event is refused at track() with its reason and never sinks the good ones', async () => {
    const server = await collector([origin()]);
    const { page, pageErrors } = await open(`/hostile.html?site=bad&endpoint=${encodeURIComponent(server.url)}`);
    await attuneReady(page);
    await page.evaluate(() => {
      const nest = (levels: number) => {
        let tree: object = { leaf: 1 };
        for (let i = 1; i < levels; i++) tree = { a: tree };
        return tree;
      };
      for (let i = 0; i < 20; i++) window.Attune.track(i === 7 ? 'N'.repeat(201) : 'Good', { i });
      window.Attune.identify('U'.repeat(201));
      window.Attune.track('Tree', { i: 0, tree: nest(4500) });
      window.Attune.track('After', { i: 0 });
      return window.Attune.flush();
    });
    await expect.poll(() => storedRows(server.dbFile, 'bad').length, { timeout: 20 * SECOND, interval: 100 }).toBe(21);
    const rows = storedRows(server.dbFile, 'bad');
    expect(sorted(indexes(rows, 'Good'))).toEqual(range(0, 20).filter((i) => i !== 7));
    expect(indexes(rows, 'Tree')).toEqual([0]);
    expect(indexes(rows, 'After')).toEqual([0]);
    expect(rows.every((row) => row.user_id === null)).toBe(true);
    const { attune } = await problems(page);
    expect(attune.map(([code]) => code)).toEqual(['invalid-argument', 'invalid-argument', 'unserialisable']);
    expect(attune[0][1]).toContain('an event name must be a string of 1-200 characters, not 201');
    expect(attune[1][1]).toContain('identify.userId');
    expect(attune[2][1]).toContain('nested deeper than 32 levels, dropped');
    // Storage stayed IndexedDB: the tree was cut before it reached structured clone.
    expect((await page.evaluate(() => window.Attune.export()))!.storage).toBe('indexeddb');
    expect(pageErrors).toEqual([]);
  });

  it('a page that breaks its globals: indexedDB throws, Promise replaced, Prototype.js toJSON, a polluted Object.prototype', async () => {
    const server = await collector([origin()]);
    const { page, pageErrors } = await open(`/hostile.html?site=hostile&hostile=idb,promise,tojson,proto&endpoint=${encodeURIComponent(server.url)}`);
    // Not waitForFunction: Playwright's own polling uses the page's Promise, which this page broke.
    await expect.poll(() => page.evaluate(() => window.Attune !== undefined)).toBe(true);
    const names = ['toString', 'constructor', 'hasOwnProperty', '__proto__'];
    const profile = await page.evaluate((list) => {
      list.forEach((name) => window.Attune.track(name, { i: 0, tags: ['a', 'b'], nested: [[1], { x: [2] }] }));
      window.Attune.productViewed({ product_id: 'p1', category: 'constructor', tags: ['toString'] });
      // Read with the page's own (hijacked) JSON, as the page would: plain data survives it.
      const seen = window.Attune.profile();
      return { counters: Object.entries(seen.counters), categories: Object.keys(seen.affinities.categories), keys: Object.keys(seen) };
    }, names);
    expect(Object.fromEntries(profile.counters)).toEqual(JSON.parse('{"toString":1,"constructor":1,"hasOwnProperty":1,"__proto__":1,"Product Viewed":1}'));
    expect(profile.categories).toEqual(['constructor']);
    expect(profile.keys).not.toContain('polluted');
    await page.evaluate(() => window.Attune.flush());
    await expect.poll(() => storedRows(server.dbFile, 'hostile').length, { timeout: 20 * SECOND, interval: 100 }).toBe(5);
    const stored = storedRows(server.dbFile, 'hostile');
    expect(stored.map((row) => row.event).sort()).toEqual([...names, 'Product Viewed'].sort());
    for (const row of stored.filter((r) => names.includes(r.event!))) {
      expect(JSON.parse(row.payload).properties).toEqual({ i: 0, tags: ['a', 'b'], nested: [[1], { x: [2] }] });
    }
    const { attune, page: thrown } = await problems(page);
    expect(attune.map(([code]) => code)).toEqual(['storage-unavailable']);
    expect(thrown).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('a sandboxed frame, where Web Locks and storage refuse: events still reach the collector, nothing is thrown', async () => {
    const server = await collector([origin(), 'null']);
    const { page, pageErrors } = await open(`/sandboxed.html?endpoint=${encodeURIComponent(server.url)}`);
    const frame = page.frameLocator('#frame');
    await frame.locator('body').waitFor();
    await page.waitForFunction(() => (document.getElementById('frame') as HTMLIFrameElement).contentWindow !== null);
    // Post to the frame until its tag has loaded and tracked.
    await expect
      .poll(
        async () => {
          await page.evaluate(() => (document.getElementById('frame') as HTMLIFrameElement).contentWindow!.postMessage({ track: 0 }, '*'));
          return page.frames().length > 1 && (await page.frames()[1].evaluate(() => typeof window.Attune === 'object'));
        },
        { timeout: 10 * SECOND },
      )
      .toBe(true);
    await page.frames()[1].evaluate(() => {
      for (let i = 0; i < 30; i++) window.Attune.track('Framed', { i });
    });
    await expect.poll(() => indexes(storedRows(server.dbFile, 'sandboxed'), 'Framed').length, { timeout: 20 * SECOND, interval: 100 }).toBe(30);
    const framed = await page.evaluate(() => window.frameProblems);
    expect(framed.filter((p) => !p.startsWith('storage-unavailable'))).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
