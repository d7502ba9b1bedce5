// Issue #7's query goal in the browser: one recommendation for a 10,000-item catalog in ≤ 1 ms
// (Chromium). The same setup as the Node figures of bench/recs.mjs: src/recommend/ and
// bench/recs-lib/synth.mjs are bundled into the page, which builds the synthetic 10,000-item
// catalog (through validateCatalog), 100,000 interactions, their co-occurrence table (the
// collector's recommended options) and popularity counts itself; the visitors are recs.mjs's (20
// views, 3 cart lines, 30 purchases, affinities, a quiz outcome). Each model is then timed per call,
// and separately its first call on a catalog array no model has indexed yet.
//
// The same models run on the same data in Node first, and the page must return the same lists for
// the first visitors, or the bench throws. Also `node bench/recs.mjs --only chromium`.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, SRC, heading, int, median, ms, printTable, quantile, us } from './lib.mjs';
import { CHROMIUM, bundleEntry, collectGarbage, describeTimer, hasChromium, importText, withChromium } from './browser.mjs';
import { syntheticCatalog } from './recs-lib/synth.mjs';

const SIZE = 10_000;
const INTERACTIONS = 100_000;
const VISITORS = 200;
/** Rounds over every visitor, each after a full garbage collection (see collectGarbage). */
const ROUNDS = 10;
const WARMUP = 50;
/** The visitors whose lists must be the same in Node and in the page. */
const CHECKED = 5;
/** Popularity's half-life, as recs.mjs (whose clock is Date.now(); here a day after the last interaction, so both realms decay alike). */
const HALF_LIFE_DAYS = 30;
const GOAL_MS = 1;

/** [label, export name] of the five models, as recs.mjs names them. */
const MODELS = [
  ['for you', 'forYou'],
  ['similar', 'similar'],
  ['bought together', 'boughtTogether'],
  ['popular', 'popular'],
  ['recently viewed', 'recentlyViewed'],
];

/**
 * Builds the data in Node or in the page (self-contained: no outer variables). `R` holds
 * src/recommend/ and the synthetic generators. Returns the timings and what the models read.
 */
function buildData(R, p) {
  const timed = (fn) => {
    const t0 = performance.now();
    const value = fn();
    return [value, performance.now() - t0];
  };
  const raw = R.syntheticCatalog(p.size);
  const [{ products: catalog, problems }, validateMs] = timed(() => R.validateCatalog(raw));
  const interactions = R.syntheticInteractions(p.interactions, catalog.length);
  const [neighbours, cooccurrenceMs] = timed(() => R.cooccurrence(interactions, p.options));
  const now = interactions[interactions.length - 1].time + 864e5;
  const [counts, popularityMs] = timed(() => R.popularity(interactions, { halfLifeDays: p.halfLifeDays, now }));
  // Each model as the page would call it, on a given catalog array.
  const models = {
    forYou: (c, v) => R.forYou({ catalog: c, neighbours, counts, visitor: v }, { limit: 10 }),
    similar: (c, v) => R.similar({ catalog: c, neighbours, counts, visitor: v }, v.viewed[0], { limit: 10 }),
    boughtTogether: (c, v) => R.boughtTogether({ catalog: c, neighbours, counts, visitor: v }, v.carted, { limit: 10 }),
    popular: (c, v) => R.popular({ catalog: c, counts, visitor: v }, { limit: 10 }),
    recentlyViewed: (c, v) => R.recentlyViewed({ catalog: c, visitor: v }, { limit: 10 }),
  };
  return {
    state: { catalog, models, visitors: p.visitors },
    built: { problems: problems.slice(0, 3).map((x) => `${x.path}: ${x.message}`), problemCount: problems.length, products: catalog.length, neighbourProducts: Object.keys(neighbours).length, validateMs, cooccurrenceMs, popularityMs },
  };
}

/** The lists of the first `count` visitors, by model (ids). */
function listsOf(state, count) {
  const out = {};
  for (const name in state.models) out[name] = state.visitors.slice(0, count).map((v) => state.models[name](state.catalog, v).map((product) => product.id));
  return out;
}

// --- In the page (each function self-contained; state lives on window.__benchState) -------------

/** An expression for the page: builds the data with buildData, keeps it, returns the timings. */
const buildInPage = (p) => `(() => { const { state, built } = (${buildData})(window.__benchRecs, ${JSON.stringify(p)}); window.__benchState = state; return built; })()`;

/** An expression for the page: the lists of the first `count` visitors. */
const listsInPage = (count) => `(${listsOf})(window.__benchState, ${count})`;

/** The first call of each model, each on its own copy of the catalog array (so each builds the index it needs), in ms. */
function firstCallsInPage({ names }) {
  const { catalog, models, visitors } = window.__benchState;
  const out = {};
  for (const name of names) {
    const fresh = catalog.slice();
    const t0 = performance.now();
    const list = models[name](fresh, visitors[0]);
    out[name] = { ms: performance.now() - t0, length: list.length };
  }
  return out;
}

/** `warmup` untimed calls, then one timed call per visitor for each of `rounds` rounds, in ms. */
function callsInPage({ name, rounds, warmup }) {
  const { catalog, models, visitors } = window.__benchState;
  const call = models[name];
  let sink = 0;
  for (let i = 0; i < warmup; i++) sink += call(catalog, visitors[i % visitors.length]).length;
  const times = [];
  for (let r = 0; r < rounds; r++) {
    for (const v of visitors) {
      const t0 = performance.now();
      sink += call(catalog, v).length;
      times.push(performance.now() - t0);
    }
  }
  return { times, sink };
}

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Recommendations bench</title>
<script src="/bench-recs.js"></script>
</head><body><main><h1>Recommended for you</h1></main></body></html>`;

// --- The run -----------------------------------------------------------------------------------

const verdict = (millis) => (millis <= GOAL_MS ? `within goal (≤ ${GOAL_MS} ms)` : `OVER goal (${GOAL_MS} ms)`);

/**
 * `shared`: recs.mjs's `{ RECOMMENDED, visitorsFor }`, which recs.mjs passes when it runs this part
 * itself (importing it back would wait for recs.mjs's own top-level await to end: a deadlock).
 */
export async function run({ shared } = {}) {
  const { RECOMMENDED, visitorsFor } = shared ?? (await import('./recs.mjs'));
  heading('Recommendations in Chromium (10,000-item catalog, synthetic data)');
  if (!hasChromium()) {
    console.log(`Chromium figures skipped: no browser at ${CHROMIUM}.`);
    return [{ metric: 'Chromium figures', value: 'skipped', note: `no ${CHROMIUM}` }];
  }
  const started = Date.now();
  const source = [`export * from ${JSON.stringify(path.join(SRC, 'recommend', 'index.ts'))};`, `export { syntheticCatalog, syntheticInteractions } from ${JSON.stringify(path.join(ROOT, 'bench', 'recs-lib', 'synth.mjs'))};`].join('\n');
  const { es, iife, warnings } = await bundleEntry(source, { name: '__benchRecs' });
  console.log(`bundled src/recommend/ + bench/recs-lib/synth.mjs in ${((Date.now() - started) / 1000).toFixed(1)} s${warnings.length ? `; warnings: ${warnings.slice(0, 3).join(' | ')}` : ''}`);

  // The visitors are data (recs.mjs's generator), the same in both realms; everything else is built in each.
  const visitors = visitorsFor(syntheticCatalog(SIZE), VISITORS);
  const p = { size: SIZE, interactions: INTERACTIONS, options: RECOMMENDED, halfLifeDays: HALF_LIFE_DAYS, visitors };

  // Node: the reference lists.
  const R = await importText(es, 'bench-recs-');
  const node = buildData(R, p);
  if (node.built.problemCount) throw new Error(`Node: the synthetic catalog has ${node.built.problemCount} problems, e.g. ${node.built.problems[0]}`);
  const expected = listsOf(node.state, CHECKED);

  return withChromium({ page: PAGE, scripts: { '/bench-recs.js': iife } }, async ({ tab, pageErrors, timer }) => {
    console.log(describeTimer(timer));
    const loaded = await tab.evaluate(() => typeof window.__benchRecs?.forYou === 'function');
    if (!loaded) throw new Error(`the recommendation bundle did not load in Chromium${pageErrors.length ? `: ${pageErrors.join('; ')}` : ''}`);
    const built = await tab.evaluate(buildInPage(p));
    if (built.problemCount) throw new Error(`Chromium: the synthetic catalog has ${built.problemCount} problems, e.g. ${built.problems[0]}`);

    const names = MODELS.map(([, name]) => name);
    // Before anything else runs a model: the page's first row of each kind (code not yet compiled).
    const cold = await tab.evaluate(firstCallsInPage, { names });
    for (const name of names) if (cold[name].length !== 10) throw new Error(`Chromium: ${name} returned ${cold[name].length} products on its first call, expected 10`);

    // Broken, not slow: the page must rank exactly as Node does.
    const lists = await tab.evaluate(listsInPage(CHECKED));
    for (const name of names) {
      for (let i = 0; i < CHECKED; i++) {
        const [want, got] = [expected[name][i], lists[name][i]];
        if (want.length !== 10 || JSON.stringify(want) !== JSON.stringify(got)) {
          throw new Error(`${name}, visitor ${i}: Node ranks [${want.join(', ')}], Chromium [${got.join(', ')}]`);
        }
      }
    }

    const rows = [['model (limit 10)', 'median/call', 'p95/call', 'calls', '1st call, cold page', '1st call, new catalog array', 'goal ≤ 1 ms (median)']];
    const summary = [];
    const perModel = {};
    for (const [label, name] of MODELS) {
      const times = [];
      await tab.evaluate(callsInPage, { name, rounds: 0, warmup: WARMUP });
      for (let r = 0; r < ROUNDS; r++) {
        await collectGarbage(tab);
        times.push(...(await tab.evaluate(callsInPage, { name, rounds: 1, warmup: 0 })).times.map((t) => t * 1000));
      }
      perModel[name] = { label, median: median(times), p95: quantile(times, 0.95), calls: times.length };
    }
    // After the warm runs: each model's first call on another new array, its code compiled: the index alone.
    const fresh = await tab.evaluate(firstCallsInPage, { names });
    for (const [label, name] of MODELS) {
      const m = perModel[name];
      rows.push([label, us(m.median), us(m.p95), int(m.calls), ms(cold[name].ms), ms(fresh[name].ms), verdict(m.median / 1000)]);
      summary.push({
        metric: `${label} per call, Chromium (10k items)`,
        value: us(m.median),
        note: `p95 ${us(m.p95)}; 1st call ${ms(cold[name].ms)} (new catalog, warm: ${ms(fresh[name].ms)}); ${verdict(m.median / 1000)}`,
      });
    }
    printTable(rows);
    console.log(
      `(${int(VISITORS)} visitors × ${ROUNDS} rounds per model after ${WARMUP} warm-up calls, each round after a full garbage collection; timer step ${us(timer.step * 1000)}.\n` +
        ` "1st call, cold page": each model's first call in the page, before any model ran, on its own copy of the catalog array: compiling its\n` +
        ` code, the position map, and what it reads (category and tag groups for "for you", the content index for "similar", counts by position).\n` +
        ` "new catalog array": the same after the timed runs, code compiled: the index alone, as when the catalog changes.\n` +
        ` Built in the page: validateCatalog of ${int(built.products)} items ${ms(built.validateMs)}; cooccurrence of ${int(INTERACTIONS)} interactions ${ms(built.cooccurrenceMs)}\n` +
        ` (recommended options; ${int(built.neighbourProducts)} products with neighbours; the collector builds it in production); popularity ${ms(built.popularityMs)}.\n` +
        ` The first ${CHECKED} visitors get the same lists as in Node, for every model. (${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
    if (pageErrors.length) console.log(`page errors: ${pageErrors.slice(0, 3).join(' | ')}`);
    return summary;
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const summary = await run();
  heading('Summary');
  printTable([['metric', 'value', 'note'], ...summary.map((r) => [r.metric, r.value, r.note ?? ''])]);
}
