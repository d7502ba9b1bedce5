// Without a working IndexedDB, in a real Chromium: the page still works, Attune keeps
// its data in memory, and says so once with a `storage-unavailable` error.
import { expect, it } from 'vitest';
import { attuneReady, describeE2E, firstPage, flush, nameOf, setupE2E, withoutTimed } from './browser';

/** Ways IndexedDB can be unusable, each set up before any script of the page runs. */
const BROKEN_INDEXEDDB: [string, () => void][] = [
  [
    'missing',
    () => {
      Object.defineProperty(window, 'indexedDB', { value: undefined, configurable: true });
    },
  ],
  [
    'throwing on open',
    () => {
      IDBFactory.prototype.open = () => {
        throw new DOMException('IndexedDB is disabled here', 'SecurityError');
      };
    },
  ],
  [
    'failing to open (a newer version exists)',
    () => {
      // The database is at version 99, so Attune's open at version 1 fails with a VersionError.
      indexedDB.open('attune-demo', 99);
    },
  ],
];

/** Listens to Attune's errors through the queue, before the script tag has loaded. */
const listenToErrors = () => {
  const w = window as Window & { attuneErrors?: { code: string; path: string; message: string }[] };
  w.attuneErrors = [];
  w.attune = [['on', 'error', (error: { code: string; path: string; message: string }) => w.attuneErrors!.push({ code: error.code, path: error.path, message: error.message })]];
};

describeE2E('storage fallback', () => {
  const e2e = setupE2E();

  it.each(BROKEN_INDEXEDDB)('with IndexedDB %s, the page works and events are kept in memory', async (_, breakIndexedDB) => {
    const context = await e2e.launch();
    await context.addInitScript(breakIndexedDB);
    await context.addInitScript(listenToErrors);
    const { page, pageErrors } = await firstPage(context);

    await page.goto(e2e.url('/'));
    await attuneReady(page);
    await page.waitForSelector('#featured-list .card-link');
    await page.click('#newsletter-button');
    await expect.poll(() => page.textContent('#newsletter-status')).toContain('Thanks');
    await flush(page);

    const exported = (await page.evaluate(() => window.Attune.export()))!;
    expect(exported).toMatchObject({ storage: 'memory', consent: 'granted' });
    const names = withoutTimed(exported.events).map(nameOf);
    // The home hero is decided and seen in memory too.
    expect(names).toContain('Variant Viewed');
    expect(names.filter((name) => name !== 'Variant Viewed').slice(0, 2)).toEqual(['page', 'Product List Viewed']);
    expect(names).toContain('Newsletter Signed Up');
    expect(exported.profile).toMatchObject({ pageViews: 1, counters: { 'Newsletter Signed Up': 1 } });

    // Reported once, with its code, to a listener added through the queue before the
    // script tag loaded (even when IndexedDB is missing from the start).
    const errors = await page.evaluate(() => (window as Window & { attuneErrors?: { code: string }[] }).attuneErrors);
    expect(errors!.filter((error) => error.code === 'storage-unavailable')).toHaveLength(1);
    // The demo pages pull statistics from a collector this test does not start.
    expect(errors!.filter((error) => error.code !== 'storage-unavailable' && error.code !== 'pull-failed')).toEqual([]);

    // The demo's debug panel shows where the data is.
    await expect.poll(() => page.textContent('#attune-debug')).toContain('Storage: memory only');
    expect(pageErrors).toEqual([]);
  });
});
