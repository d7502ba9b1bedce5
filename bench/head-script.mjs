// Issue #15: what the tag costs the first paint. In Chromium, the same page with one slot and
// the script in <head>, blocking: the time the script takes (fetched from a warm HTTP cache,
// compiled, run), side by side with GrowthBook's auto script (1.8, dist/bundles/auto.min.js)
// given a visual-editor experiment on the same slot, alternating, median of ROUNDS. Also the
// time from the tag's start to the slot's variant in the DOM. Prints figures, never fails on speed.
import { createServer } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DIST, ROOT, heading, median, ms, printTable, quantile } from './lib.mjs';
import { CHROMIUM, hasChromium } from './browser.mjs';

const ROUNDS = 15;
const WARM = 3;
const GROWTHBOOK = path.join(ROOT, 'node_modules/@growthbook/growthbook/dist/bundles/auto.min.js');

// One slot, its variant chosen for every visitor, so both scripts change the same heading.
const ATTUNE_CONFIG = { placements: [{ id: 'hero', slot: 'hero', variants: [{ id: 'b', content: { template: 'b' } }] }] };
const GROWTHBOOK_CONFIG = {
  noStreaming: true,
  payload: {
    features: {},
    experiments: [
      {
        key: 'hero',
        changeId: 'hero',
        urlPatterns: [{ type: 'regex', pattern: '.*', include: true }],
        weights: [0, 1],
        coverage: 1,
        hashAttribute: 'id',
        variations: [{}, { domMutations: [{ selector: '#hero h1', action: 'set', attribute: 'html', value: 'Variant B' }] }],
      },
    ],
  },
};

// Marks taken around the blocking script, and when the heading first reads "Variant B".
const page = (script) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Head script bench</title><link rel="icon" href="data:,">
<script>
  window.__marks = {};
  new MutationObserver(() => {
    const h = document.querySelector('#hero h1');
    if (h && h.textContent === 'Variant B' && !__marks.variant) __marks.variant = performance.now();
  }).observe(document, { childList: true, subtree: true, characterData: true });
  __marks.start = performance.now();
</script>
${script}
<script>__marks.end = performance.now();</script>
</head><body>
<section id="hero" data-attune-slot="hero"><h1>Default</h1><template data-attune-variant="b"><h1>Variant B</h1></template></section>
<p>Some text after the slot.</p>
</body></html>`;

const PAGES = {
  '/attune': page(
    `<script type="application/json" data-attune-config>${JSON.stringify(ATTUNE_CONFIG)}</script>\n<script src="/attune.min.js" data-site="head-bench"></script>`,
  ),
  '/growthbook': page(`<script>window.growthbook_config = ${JSON.stringify(GROWTHBOOK_CONFIG)};</script>\n<script src="/gb-auto.min.js" data-no-auto-cookies data-no-streaming></script>`),
};

// Scripts are cacheable, so a repeat visit reads them (and V8's code cache) from the browser's cache.
function serve() {
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    const js = { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'public, max-age=3600' };
    if (url.pathname === '/gb-auto.min.js') return res.writeHead(200, js).end(readFileSync(GROWTHBOOK));
    const file = path.join(DIST, url.pathname.slice(1));
    if (/^\/attune(\.[a-z0-9]+)?\.min\.js$/.test(url.pathname) && existsSync(file)) return res.writeHead(200, js).end(readFileSync(file));
    if (PAGES[url.pathname]) return res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(PAGES[url.pathname]);
    res.writeHead(404).end();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

export async function run() {
  heading('Head script: blocking time before the first paint (Chromium)');
  if (!hasChromium()) {
    console.log(`skipped: no Chromium at ${CHROMIUM}`);
    return [{ metric: 'head script', value: 'skipped', note: `no ${CHROMIUM}` }];
  }
  if (!existsSync(GROWTHBOOK)) throw new Error(`${GROWTHBOOK} is missing: npm install (a devDependency)`);
  const { chromium } = await import('playwright-core');
  const server = await serve();
  const origin = `http://127.0.0.1:${server.address().port}`;
  const profile = mkdtempSync(path.join(tmpdir(), 'attune-bench-head-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const tab = context.pages()[0] ?? (await context.newPage());
    const errors = [];
    tab.on('pageerror', (error) => errors.push(String(error)));
    const results = { attune: [], growthbook: [] };
    for (let round = 0; round < WARM + ROUNDS; round++) {
      // Alternating, and each side first in every other round.
      const order = round % 2 ? ['growthbook', 'attune'] : ['attune', 'growthbook'];
      for (const name of order) {
        await tab.goto(`${origin}/${name}`, { waitUntil: 'load' });
        // The variant may come after load (GrowthBook applies mutations in a later task).
        await tab.waitForFunction(() => window.__marks.variant, null, { timeout: 2000 }).catch(() => {});
        const marks = await tab.evaluate(() => window.__marks);
        if (round >= WARM) results[name].push(marks);
      }
    }
    const rows = [['script', 'gzip B (as served)', 'blocking: median', 'p90', 'start → variant in DOM: median', 'p90', 'variant shown']];
    const summary = [];
    const { gzipSync } = await import('node:zlib');
    const sizes = { attune: gzipSync(readFileSync(path.join(DIST, 'attune.min.js')), { level: 9 }).length, growthbook: gzipSync(readFileSync(GROWTHBOOK), { level: 9 }).length };
    for (const name of ['attune', 'growthbook']) {
      const blocking = results[name].map((m) => m.end - m.start);
      const shown = results[name].filter((m) => m.variant);
      const variant = shown.map((m) => m.variant - m.start);
      rows.push([
        name == 'attune' ? 'Attune attune.min.js' : 'GrowthBook 1.8 auto.min.js',
        sizes[name].toLocaleString('en-US'),
        ms(median(blocking)),
        ms(quantile(blocking, 0.9)),
        variant.length ? ms(median(variant)) : 'n/a',
        variant.length ? ms(quantile(variant, 0.9)) : 'n/a',
        `${shown.length}/${results[name].length}`,
      ]);
      summary.push({ metric: `${name} head script, blocking`, value: ms(median(blocking)), note: `median of ${ROUNDS}, alternating, warm cache` });
      if (variant.length) summary.push({ metric: `${name} start → variant in DOM`, value: ms(median(variant)), note: `${shown.length}/${results[name].length} rounds showed it` });
    }
    printTable(rows);
    const ratio = median(results.attune.map((m) => m.end - m.start)) / median(results.growthbook.map((m) => m.end - m.start));
    console.log(`(blocking: performance.now() just before the <script src> to just after it; goal: Attune ≤ GrowthBook, now ${ratio.toFixed(2)}×;` +
      `\n ${WARM} warm-up rounds first, so both scripts come from the HTTP cache with V8's code cache)`);
    summary.push({ metric: 'head script, Attune / GrowthBook', value: `${ratio.toFixed(2)}×`, note: 'goal ≤ 1' });
    if (errors.length) console.log(`page errors: ${errors.slice(0, 3).join(' | ')}`);
    return summary;
  } finally {
    await context?.close().catch(() => {});
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(profile, { recursive: true, force: true });
  }
}

// Run on its own: node bench/head-script.mjs
if (import.meta.url === `file://${process.argv[1]}`) await run();
