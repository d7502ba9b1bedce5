// An app that bundles the npm module with Vite (bench/app-size-lib/apps/create-only.js, against
// the built dist/) runs in a real Chromium: it records into IndexedDB as the script tag does, a
// page without a widget never fetches the quiz, recommendations or triggers chunk, and a page
// with a quiz does fetch the quiz's. So the split the bundler makes is one that works.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addonsIn, appFolder, buildVite, type AppChunk } from '../../bench/app-size-lib/bundlers.mjs';
import { startStaticServer, type StaticServer } from '../../scripts/serve.mjs';
import { describeE2E, firstPage, readStored, setupE2E } from './browser';

describeE2E('an app bundled by Vite with the npm module', () => {
  const e2e = setupE2E();
  let server: StaticServer;
  let out = '';
  let chunks: AppChunk[];

  beforeAll(async () => {
    const folder = appFolder('create-only');
    try {
      chunks = await buildVite(folder.entry, folder.dir);
    } finally {
      folder.dispose();
    }
    out = mkdtempSync(path.join(tmpdir(), 'attune-npm-app-'));
    for (const chunk of chunks) {
      mkdirSync(path.dirname(path.join(out, chunk.fileName)), { recursive: true });
      writeFileSync(path.join(out, chunk.fileName), chunk.code);
    }
    const main = chunks.find((chunk) => chunk.isEntry)!.fileName;
    const page = (body: string) => `<!doctype html><html><head><title>App</title><script type="module" src="/${main}"></script></head><body>${body}</body></html>`;
    writeFileSync(path.join(out, 'plain.html'), page('<main><h1>No widget here</h1></main>'));
    writeFileSync(path.join(out, 'quiz.html'), page('<main><div data-attune-quiz="finder"></div></main>'));
    server = await startStaticServer({ roots: [out] });
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  /** Opens `file` and returns the page and the app's files it fetched (under /assets/). */
  const open = async (file: string): Promise<{ page: Page; fetched: string[]; pageErrors: Error[] }> => {
    const { page, pageErrors } = await firstPage(await e2e.launch());
    const fetched: string[] = [];
    page.on('request', (request) => {
      const { pathname } = new URL(request.url());
      if (pathname.startsWith('/assets/')) fetched.push(pathname.slice(1));
    });
    await page.goto(`${server.url}/${file}`);
    await page.waitForFunction(() => (window as Window & { attune?: unknown }).attune !== undefined);
    return { page, fetched, pageErrors };
  };
  const holding = (name: 'quiz' | 'recs' | 'triggers') => chunks.filter((chunk) => addonsIn(chunk).includes(name)).map((chunk) => chunk.fileName);

  it('records the page view and the app\'s event, and fetches no widget chunk on a page without one', async () => {
    const { page, fetched, pageErrors } = await open('plain.html');
    await page.evaluate(() => (window as unknown as { attune: { flush(): Promise<void> } }).attune.flush());
    const stored = await readStored(page, 'shop-1');
    expect(stored?.events.map((event) => (event.type === 'track' ? event.event : event.type))).toEqual(expect.arrayContaining(['page', 'Product Viewed']));
    // Capture runs after load, and a widget's chunk would load then: give it the time to.
    await page.waitForTimeout(500);
    const widgets = [...holding('quiz'), ...holding('recs'), ...holding('triggers')];
    expect(widgets.length).toBeGreaterThanOrEqual(3);
    expect(fetched.filter((file) => widgets.includes(file))).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('fetches the quiz chunk on a page that has a quiz', async () => {
    const { fetched } = await open('quiz.html');
    await expect.poll(() => fetched.filter((file) => holding('quiz').includes(file)).length).toBeGreaterThan(0);
  });
});
