// Main-thread cost of track() and productViewed() in a real Chromium, through the script tag,
// and the time flush() takes to write what they recorded to IndexedDB.
import { createServer } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DIST, heading, median, ms, printTable, quantile, us } from './lib.mjs';
import { timerInPage } from './browser.mjs';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CALLS = 10_000;
const BATCH = 100;
const WARMUP = 1_000;

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Attune bench</title>
<script src="/attune.min.js" data-site="bench"></script>
</head><body><main><h1>Attune bench</h1><p>Nothing to see.</p></main></body></html>`;

/**
 * Serves the page and dist/ on 127.0.0.1. The page is cross-origin isolated (COOP + COEP), which
 * lets Chromium give performance.now() a finer resolution (about 5 µs instead of 100 µs).
 */
export function serve() {
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cache-Control': 'no-store' };
    if (url.pathname === '/') {
      res.writeHead(200, { ...headers, 'Content-Type': 'text/html; charset=utf-8' }).end(PAGE);
      return;
    }
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204, headers).end();
      return;
    }
    const name = url.pathname.slice(1);
    const file = path.join(DIST, name);
    if (/^attune(\.[a-z]+)?\.min\.js$/.test(name) && existsSync(file)) {
      res.writeHead(200, { ...headers, 'Content-Type': 'text/javascript; charset=utf-8' }).end(readFileSync(file));
      return;
    }
    res.writeHead(404, headers).end();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/** Runs in the page: times `calls` calls one by one, then in batches, with a flush after each. */
async function measureInPage({ kind, calls, batch, warmup }) {
  const A = window.Attune;
  const categories = ['shoes', 'bags', 'coats', 'hats', 'socks', 'belts', 'scarves', 'gloves'];
  const call =
    kind === 'track'
      ? (i) => A.track('Bench Event', { i, price: 9.99, category: 'shoes', tags: ['a', 'b'] })
      : (i) =>
          A.productViewed({
            product_id: `sku-${i % 500}`,
            name: `Product ${i % 500}`,
            category: categories[i % 8],
            tags: [`tag-${i % 13}`, `tag-${i % 7}`, i % 3 ? 'sale' : 'new'],
            price: 5 + (i % 200) * 0.75,
            currency: 'EUR',
          });
  const timedFlush = async () => {
    const t0 = performance.now();
    await A.flush();
    return performance.now() - t0;
  };

  for (let i = 0; i < warmup; i++) call(i);
  await A.flush();

  const single = new Float64Array(calls);
  for (let i = 0; i < calls; i++) {
    const t0 = performance.now();
    call(i);
    single[i] = performance.now() - t0;
  }
  const flushAfterSingle = await timedFlush();

  const batches = new Float64Array(calls / batch);
  for (let b = 0, i = 0; b < batches.length; b++) {
    const t0 = performance.now();
    for (const end = i + batch; i < end; i++) call(i);
    batches[b] = performance.now() - t0;
  }
  const flushAfterBatches = await timedFlush();
  return { single: Array.from(single), batches: Array.from(batches), flushAfterSingle, flushAfterBatches };
}


export async function run() {
  heading('track() in Chromium (script tag, main thread)');
  if (!existsSync(CHROMIUM)) {
    console.log(`Chromium figures skipped: no browser at ${CHROMIUM}.`);
    return [{ metric: 'Chromium figures', value: 'skipped', note: `no ${CHROMIUM}` }];
  }
  const { chromium } = await import('playwright-core');
  const profileDir = mkdtempSync(path.join(tmpdir(), 'attune-bench-chromium-'));
  const server = await serve();
  let context;
  try {
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    page.on('console', (message) => message.type() === 'error' && pageErrors.push(message.text()));
    await page.goto(`http://127.0.0.1:${server.address().port}/`, { waitUntil: 'load' });
    const started = await page.evaluate(async () => {
      if (!window.Attune) return { ok: false };
      window.__benchErrors = [];
      window.Attune.on('error', (error) => window.__benchErrors.push(`${error.code} at ${error.path}: ${error.message}`));
      await window.Attune.ready;
      return { ok: true, consent: window.Attune.consent() };
    });
    if (!started.ok) throw new Error(`window.Attune is not defined after loading the page${pageErrors.length ? `: ${pageErrors.join('; ')}` : ''}`);
    if (started.consent !== 'granted') throw new Error(`consent is "${started.consent}" in the bench page, so nothing would be stored`);

    const timer = await page.evaluate(timerInPage);
    console.log(`${timer.userAgent.match(/(Headless)?Chrome\/[\d.]+/)?.[0] ?? 'Chromium'}; crossOriginIsolated=${timer.isolated}; performance.now() step ≈ ${us(timer.step * 1000)}`);

    const rows = [['call', 'single: median', 'single: p95', `batch of ${BATCH}: median/call`, 'batch: p95/call', `flush ${CALLS.toLocaleString('en-US')} (1st)`, 'flush (2nd)']];
    const summary = [];
    for (const kind of ['track', 'productViewed']) {
      const r = await page.evaluate(measureInPage, { kind, calls: CALLS, batch: BATCH, warmup: WARMUP });
      const single = r.single.map((t) => t * 1000);
      const perCall = r.batches.map((t) => (t * 1000) / BATCH);
      const label = kind === 'track' ? "track('Bench Event', {…})" : 'productViewed({…})';
      rows.push([label, us(median(single)), us(quantile(single, 0.95)), us(median(perCall)), us(quantile(perCall, 0.95)), ms(r.flushAfterSingle), ms(r.flushAfterBatches)]);
      summary.push({ metric: `${kind}() per call, batch median`, value: us(median(perCall)), note: `p95 ${us(quantile(perCall, 0.95))}` });
      summary.push({ metric: `${kind}() per call, single median`, value: us(median(single)), note: `p95 ${us(quantile(single, 0.95))}; timer step ${us(timer.step * 1000)}` });
      summary.push({ metric: `flush() after ${CALLS.toLocaleString('en-US')} ${kind}()`, value: ms(r.flushAfterSingle), note: `then ${ms(r.flushAfterBatches)} for the next ${CALLS.toLocaleString('en-US')}` });
    }
    printTable(rows);
    console.log(
      `(${WARMUP.toLocaleString('en-US')} warm-up calls first; "single" times each call alone and is limited by the timer step;\n` +
        ` "batch" times ${CALLS / BATCH} batches of ${BATCH} calls and divides by ${BATCH}; flush = await Attune.flush() writing those ${CALLS.toLocaleString('en-US')} events\n` +
        ` and the profile to IndexedDB, retention keeping the newest 5,000)`,
    );

    const after = await page.evaluate(async () => {
      const exported = await window.Attune.export();
      return { storage: exported?.storage, stored: exported?.events.length, errors: window.__benchErrors };
    });
    console.log(`storage: ${after.storage}; events stored: ${after.stored}; SDK errors reported: ${after.errors.length}`);
    if (after.errors.length) console.log(`  first: ${after.errors[0]}`);
    if (after.storage !== 'indexeddb') console.log('  warning: not IndexedDB, so the flush figures do not measure IndexedDB');
    if (pageErrors.length) console.log(`page errors: ${pageErrors.slice(0, 3).join(' | ')}`);
    return summary;
  } finally {
    await context?.close().catch(() => {});
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(profileDir, { recursive: true, force: true });
  }
}
