// Events delivered per second from one page in a real Chromium to the real collector on
// loopback: 2,000 tracked at once, then a steady stream. Delivery is timed from the first
// track() call until the collector's SQLite file holds every event (read through a
// separate read-only connection), so it includes batching, IndexedDB and HTTP.
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST, heading, int, ms, printTable } from './lib.mjs';
import { hasChromium, withChromium } from './browser.mjs';

const BURST = 2000;
const STREAM_PER_SECOND = 20;
const STREAM_SECONDS = 30;
const SITE = 'bench-delivery';

const page = (endpoint) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Attune delivery bench</title>
<script src="/attune.min.js" data-site="${SITE}" data-no-capture="all" data-endpoint="${endpoint}"></script>
</head><body><main><h1>Delivery bench</h1></main></body></html>`;

/** Polls the collector's file until `count` events named `name` are stored; resolves with the time (ms since the epoch) it saw them. */
async function storedBy(dbFile, name, count, timeoutMs) {
  const end = Date.now() + timeoutMs;
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const query = db.prepare('SELECT count(*) AS n FROM events WHERE site = ? AND event = ?');
    for (;;) {
      const { n } = query.get(SITE, name);
      if (n >= count) return { at: Date.now(), stored: n };
      if (Date.now() > end) return { at: NaN, stored: n };
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    db.close();
  }
}

export async function run() {
  heading('Delivery from one page (Chromium → collector on loopback)');
  const collectorFile = path.join(DIST, 'collector.mjs');
  if (!hasChromium() || !existsSync(collectorFile)) {
    console.log('Skipped: needs /usr/bin/chromium and dist/collector.mjs.');
    return [];
  }
  const { startCollector } = await import(pathToFileURL(collectorFile).href);
  const dir = mkdtempSync(path.join(tmpdir(), 'attune-bench-delivery-'));
  const dbFile = path.join(dir, 'collector.sqlite');
  const collector = await startCollector({ port: 0, db: dbFile, origins: ['*'], log: () => {} });
  try {
    return await withChromium({ page: page(collector.url), dist: true }, async ({ tab, pageErrors }) => {
      await tab.waitForFunction(() => window.Attune !== undefined);
      await tab.evaluate(() => window.Attune.ready);

      const burstStart = Date.now();
      await tab.evaluate((n) => {
        for (let i = 0; i < n; i++) window.Attune.track('Burst', { i, padding: 'x'.repeat(40) });
      }, BURST);
      const burst = await storedBy(dbFile, 'Burst', BURST, 120_000);
      const burstMs = burst.at - burstStart;

      const total = STREAM_PER_SECOND * STREAM_SECONDS;
      const streamStart = Date.now();
      await tab.evaluate(
        ([perSecond, count]) =>
          new Promise((resolve) => {
            let i = 0;
            const timer = setInterval(() => {
              window.Attune.track('Stream', { i: i++ });
              if (i >= count) clearInterval(timer), resolve(undefined);
            }, 1000 / perSecond);
          }),
        [STREAM_PER_SECOND, total],
      );
      const lastTracked = Date.now();
      const stream = await storedBy(dbFile, 'Stream', total, 60_000);
      const rows = [
        ['case', 'events', 'stored', 'time', 'events/s delivered'],
        [`${int(BURST)} tracked in one loop`, int(BURST), int(burst.stored), ms(burstMs), int((burst.stored / burstMs) * 1000)],
        [`steady ${STREAM_PER_SECOND}/s for ${STREAM_SECONDS} s`, int(total), int(stream.stored), ms(stream.at - streamStart), int((stream.stored / (stream.at - streamStart)) * 1000)],
      ];
      printTable(rows);
      console.log(`Steady stream: the last event was stored ${ms(stream.at - lastTracked)} after it was tracked (a partial batch waits for the 5 s timer).`);
      if (pageErrors.length) console.log(`Page errors: ${pageErrors.join('; ')}`);
      return [
        { metric: `${int(BURST)} at once: delivered/s`, value: int((burst.stored / burstMs) * 1000), note: `${int(burst.stored)} stored in ${ms(burstMs)}` },
        { metric: `steady ${STREAM_PER_SECOND}/s: last stored after`, value: ms(stream.at - lastTracked), note: `${int(stream.stored)} of ${int(total)} stored` },
      ];
    });
  } finally {
    await collector.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await run();
