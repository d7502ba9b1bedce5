// Shared set-up of the end-to-end tests: Debian's Chromium driven by playwright-core,
// a static server for the demo shop and the built SDK, and helpers that read what
// Attune stored, straight from IndexedDB with the raw API.
import { existsSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe } from 'vitest';
import { startStaticServer } from '../../scripts/serve.mjs';
import type { Attune, AttuneEvent, AttuneExport } from '../../src/index';
import type { ProfileState } from '../../src/profile/profile';

declare global {
  interface Window {
    Attune: Attune;
    attune: unknown;
  }
}

export type { AttuneEvent, AttuneExport, ProfileState };

/** Debian's Chromium; never a browser downloaded by `playwright install`. */
export const CHROMIUM = '/usr/bin/chromium';
const LAUNCH_ARGS = ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Served in this order: test fixtures, the demo shop, then the built SDK at the root. */
const ROOTS = [join(ROOT, 'test/e2e/fixtures'), join(ROOT, 'examples'), join(ROOT, 'dist')];
const BUILT = ['attune.min.js', 'attune.stage2.min.js', 'attune.vitals.min.js'].map((file) => join(ROOT, 'dist', file));

const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  if (process.env.CI) {
    throw new Error(`End-to-end tests need Chromium at ${CHROMIUM} (apt-get install chromium); in CI they fail rather than skip.`);
  }
  // One line per run, not per test file: the first file of this run leaves a mark.
  const mark = join(tmpdir(), `attune-e2e-skipped-${isMainThread ? process.ppid : process.pid}`);
  try {
    writeFileSync(mark, '', { flag: 'wx' });
    console.warn(`Skipping the end-to-end tests: no Chromium at ${CHROMIUM} (apt-get install chromium to run them).`);
  } catch {
    // Already said in this run.
  }
}

/** `describe`, skipped when Chromium is missing outside CI. */
export const describeE2E = describe.skipIf(!hasChromium);

/**
 * Starts a static server and a fresh temporary folder for browser profiles before
 * the file's tests, and closes browsers, server and folder after them.
 */
export function setupE2E() {
  let server: { url: string; close(): Promise<void> } | undefined;
  let tmp = '';
  let profiles = 0;
  const contexts = new Set<BrowserContext>();

  beforeAll(async () => {
    const missing = BUILT.filter((file) => !existsSync(file));
    if (missing.length) throw new Error(`${missing.join(', ')} missing: run \`npm run build\` first (\`npm test\` builds for you).`);
    server = await startStaticServer({ roots: ROOTS });
    tmp = await mkdtemp(join(tmpdir(), 'attune-e2e-'));
  });

  afterAll(async () => {
    await Promise.all([...contexts].map((context) => context.close().catch(() => undefined)));
    await server?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  return {
    /** `http://127.0.0.1:<port>` followed by `path`. */
    url: (path = '/') => `${server!.url}${path}`,
    /** A new, empty browser profile folder in the temporary folder. */
    newProfile: () => join(tmp, `profile-${++profiles}`),
    /** Launches Chromium on a profile folder (a new one by default); closed after the file's tests. */
    async launch(userDataDir = join(tmp, `profile-${++profiles}`)): Promise<BrowserContext> {
      const context = await chromium.launchPersistentContext(userDataDir, {
        executablePath: CHROMIUM,
        headless: true,
        args: LAUNCH_ARGS,
      });
      contexts.add(context);
      context.on('close', () => contexts.delete(context));
      return context;
    },
  };
}

/** The demo shop's fixed collector, in its script tags' data-endpoint. */
export const DEMO_ENDPOINT = 'http://127.0.0.1:8787';

/**
 * Makes the demo pages of `context` talk to the collector at `url` instead of the
 * demo's fixed port: the script tag's data-endpoint is rewritten as the parser inserts
 * it, before it runs. (Rerouting requests instead loses beacons sent while a page unloads.)
 */
export async function pointDemoAt(context: BrowserContext, url: string): Promise<BrowserContext> {
  await context.addInitScript(
    ([from, to]) => {
      new MutationObserver(() => {
        const tag = document.querySelector(`script[data-endpoint="${from}"]`);
        if (tag) tag.setAttribute('data-endpoint', to);
      }).observe(document, { childList: true, subtree: true });
    },
    [DEMO_ENDPOINT, url],
  );
  return context;
}

/** The context's first page, with a list that collects its uncaught errors. */
export async function firstPage(context: BrowserContext): Promise<{ page: Page; pageErrors: Error[] }> {
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors: Error[] = [];
  page.on('pageerror', (error) => pageErrors.push(error));
  return { page, pageErrors };
}

/** Waits until the script tag has loaded and Attune has read what it stored. */
export async function attuneReady(page: Page): Promise<void> {
  await page.waitForFunction(() => window.Attune !== undefined);
  await page.evaluate(() => window.Attune.ready);
}

/**
 * Makes the demo's visitor a known user outside the home hero's 5 % holdout (the
 * placement hashes `userId`), so a test of who sees which hero is not a lottery. The
 * identify call is queued before the script tag runs, as a site's snippet would.
 */
export async function notHeldOut(page: Page): Promise<string> {
  const { hashBucket } = await import('../../src/decide/hash');
  let n = 0;
  while (hashBucket('home-hero:holdout:0', `e2e-visitor-${n}`) < 0.05) n++;
  const userId = `e2e-visitor-${n}`;
  await page.addInitScript((id) => {
    (window as unknown as { attune: unknown[] }).attune = [['identify', id]];
  }, userId);
  return userId;
}

/** Resolves once every event recorded so far is stored. */
export const flush = (page: Page) => page.evaluate(() => window.Attune.flush());

/** Everything in Attune's IndexedDB database, read with the raw API from the page. */
export interface Stored {
  /** Events in key order, which is the order they were recorded in. */
  events: AttuneEvent[];
  profile: ProfileState | undefined;
}

/** Reads `attune-<site>` with the raw IndexedDB API; `undefined` if the database does not exist. */
export function readStored(page: Page, site = 'demo'): Promise<Stored | undefined> {
  return page.evaluate(
    (name) =>
      new Promise<Stored | undefined>((resolve, reject) => {
        const request = indexedDB.open(name);
        // The database did not exist: do not create it.
        request.onupgradeneeded = () => request.transaction!.abort();
        request.onerror = () => (request.error?.name === 'AbortError' ? resolve(undefined) : reject(request.error));
        request.onsuccess = () => {
          const db = request.result;
          const tx = db.transaction(['events', 'state'], 'readonly');
          const events = tx.objectStore('events').getAll();
          const profile = tx.objectStore('state').get('profile');
          tx.oncomplete = () => {
            db.close();
            resolve({ events: events.result, profile: profile.result });
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    `attune-${site}`,
  );
}

/** The name an event is known by: a track event's name, or its type. */
export const nameOf = (event: AttuneEvent) => (event.type === 'track' ? event.event! : event.type);

/** Events other than the ones the browser records on its own schedule (web vitals, engaged time). */
export const withoutTimed = (events: AttuneEvent[]) =>
  events.filter((event) => event.event !== 'Web Vital Measured' && event.event !== 'Page Engaged');
