// Issue #4's benchmark: one decision for a placement with 20 conditions and 5 variants, Attune's
// engine side by side with @growthbook/growthbook evaluating the same conditions, in Node and in
// Chromium. Goal (printed, never enforced): Attune at most half GrowthBook's time.
//
// Both implementations are bundled once, in memory, with the rollup JS API (node-resolve and
// @rollup/plugin-typescript with ./tsconfig.json, as rollup.config.mjs does); GrowthBook's
// `process.env.NODE_ENV` checks are replaced by "production", as any app bundler does, so its
// development logging is compiled out exactly like in its own published browser bundles. Node
// imports the ES build (written under .tmp/ for the import, removed at once); Chromium gets the
// IIFE from a local server, beside dist/attune.min.js for the instance row.
//
// The same self-contained function (`measureInRealm`) checks and times both sides in both realms.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DIST, SRC, heading, int, median, printTable, quantile, us } from './lib.mjs';
import { CHROMIUM, bundleEntry, describeTimer, hasChromium, importText, withChromium } from './browser.mjs';

const WARMUP = 2_000;
const BATCHES = 200;
const BATCH = 200;
/** Distinct visitor ids the calls cycle through. */
const IDS = 512;
const GOAL = 0.5;
const PLACEMENT_ID = 'hero';

// --- The setup, identical on both sides -------------------------------------------------------

/** What Attune's instance builds for a returning visitor (profileView + context + page + segments). */
const NOW = Date.parse('2025-05-14T12:30:00Z');
const ATTRIBUTES = {
  anonymousId: 'Vx3k9QpL2mZr7tYb1nWcE',
  userId: 'user-4821',
  firstSeen: NOW - 41 * 864e5,
  lastSeen: NOW - 60_000,
  visits: 6,
  pageViews: 38,
  events: 117,
  returning: true,
  counters: { 'Product Viewed': 31, 'Product Added': 5, 'Order Completed': 2, 'Page Engaged': 24 },
  prices: { count: 36, sum: 2301.4, min: 19.9, max: 149 },
  topCategory: 'shoes',
  topTags: ['running', 'trail', 'waterproof', 'sale', 'leather'],
  priceBand: 'mid',
  affinities: {
    categories: { shoes: 18.42, socks: 4.1, bags: 2.75, coats: 0.61 },
    tags: { running: 14.2, trail: 9.8, waterproof: 6.1, sale: 3.3, leather: 1.2, wool: 0.4 },
  },
  cart: {
    items: [
      { product_id: 'sku-112', quantity: 1, price: 89.9, category: 'shoes' },
      { product_id: 'sku-540', quantity: 2, price: 12.5, category: 'socks' },
    ],
    updatedAt: NOW - 300_000,
    count: 3,
    value: 114.9,
  },
  orders: { count: 2, revenue: 212.4, firstAt: NOW - 30 * 864e5, lastAt: NOW - 12 * 864e5, averageValue: 106.2, daysSinceLast: 12 },
  recentlyViewed: ['sku-112', 'sku-118', 'sku-540', 'sku-87', 'sku-301', 'sku-112b'],
  purchased: ['sku-77', 'sku-203', 'sku-540'],
  traits: { plan: 'gold', newsletter: true, email: 'ada@example.com', appVersion: '3.4.1' },
  session: {
    campaign: { name: 'spring-sale', source: 'newsletter', medium: 'email' },
    referrer: { class: 'email', host: '' },
    device: 'desktop',
    locale: 'en-GB',
    timezone: 'Europe/London',
    landingPath: '/shoes/trail-runner',
    number: 6,
    startedAt: NOW - 540_000,
    lastActivityAt: NOW - 60_000,
    pageViews: 4,
    events: 11,
    localHour: 13,
  },
  context: {
    page: {
      url: 'https://shop.example/shoes/trail-runner?utm_campaign=spring-sale&utm_source=newsletter&utm_medium=email',
      path: '/shoes/trail-runner',
      search: '?utm_campaign=spring-sale&utm_source=newsletter&utm_medium=email',
      referrer: '',
      title: 'Trail runner',
    },
    locale: 'en-GB',
    timezone: 'Europe/London',
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36',
    screen: { width: 1440, height: 900, density: 2 },
    library: { name: 'attune', version: '0.1.0' },
    campaign: { name: 'spring-sale', source: 'newsletter', medium: 'email' },
  },
  segments: ['loyal', 'shoe-fans'],
};
// `page` is the context's page plus its query, as src/decide/attributes.ts builds it.
ATTRIBUTES.page = { ...ATTRIBUTES.context.page, query: Object.fromEntries(new URLSearchParams(ATTRIBUTES.context.page.search)) };

/**
 * The 3 targeted variants: 7, 7 and 6 conditions (one attribute path each, 20 in all), every one
 * true for the visitor except the last of each variant, so both engines test all 20.
 */
const TARGETED = [
  {
    id: 'spring-campaign',
    when: {
      'session.campaign.name': { $in: ['spring-sale', 'spring-sale-late'] },
      'session.referrer.class': 'email',
      'context.locale': { $regex: '^en-(GB|IE)$' },
      'page.path': { $regex: '^/shoes/' },
      'traits.email': { $exists: true },
      segments: { $all: ['loyal'] },
      'cart.value': { $gte: 500 }, // false: the visitor's cart is worth less
    },
  },
  {
    id: 'shoe-lover',
    when: {
      topCategory: 'shoes',
      'affinities.categories.shoes': { $gt: 3 },
      'traits.plan': { $in: ['gold', 'platinum'] },
      'traits.appVersion': { $vgte: '3.2.0' },
      topTags: { $elemMatch: { $in: ['running', 'trail'] } },
      'orders.count': { $gte: 2 },
      priceBand: 'premium', // false: the visitor's band is mid
    },
  },
  {
    id: 'mobile-newsletter',
    when: {
      segments: { $elemMatch: { $eq: 'shoe-fans' } },
      'cart.value': { $gt: 50, $lte: 500 },
      'page.query.utm_source': 'newsletter',
      'traits.newsletter': true,
      'context.screen.width': { $gte: 320 },
      'session.device': 'mobile', // false: a desktop visit
    },
  },
];
const POOL = [
  { id: 'classic', weight: 0.5 },
  { id: 'eco', weight: 0.5 },
];
const VERSION = 0;

/** The Attune config: the segments the conditions name, and the placement. */
const attuneConfig = (targeted = TARGETED) => ({
  segments: {
    loyal: { when: { 'orders.count': { $gte: 2 } } },
    'shoe-fans': { when: { topCategory: 'shoes' } },
  },
  placements: [
    {
      id: PLACEMENT_ID,
      strategy: 'weighted',
      // GrowthBook without a sticky-bucket service stores nothing either; with `sticky` Attune's
      // engine would only flag the choice for storing (the instance would then replay it).
      sticky: false,
      version: VERSION,
      goal: 'Order Completed',
      default: 'classic',
      variants: [...targeted, ...POOL],
    },
  ],
});

/**
 * The GrowthBook feature: the targeted variants as `force` rules with the same conditions, then an
 * experiment with the pool, hashed as Attune's weighted split is: hash v2 of
 * `placementId + ':' + version` and the id (see src/decide/hash.ts and engine.ts).
 */
const growthBookFeatures = (targeted = TARGETED) => ({
  [PLACEMENT_ID]: {
    defaultValue: 'classic',
    rules: [
      ...targeted.map((v) => ({ id: `rule-${v.id}`, condition: v.when, force: v.id })),
      {
        id: 'rule-pool',
        key: PLACEMENT_ID,
        variations: POOL.map((v) => v.id),
        weights: POOL.map((v) => v.weight),
        hashAttribute: 'id',
        seed: `${PLACEMENT_ID}:${VERSION}`,
        hashVersion: 2,
      },
    ],
  },
});

/** Each targeted variant without its last condition: it must then match, on both sides. */
const withoutLast = (k) =>
  TARGETED.map((v, i) => (i === k ? { ...v, when: Object.fromEntries(Object.entries(v.when).slice(0, -1)) } : v));

/** Deterministic nanoid-like ids (21 characters, as Attune's anonymous ids). */
function makeIds(count, seed = 7) {
  const alphabet = 'useandom-26T198340PX75pxJACKVERYMINDBUSHWOLF_GQZbfghjklqvwyzrict';
  let s = seed;
  const rnd = () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: count }, () => Array.from({ length: 21 }, () => alphabet[Math.floor(rnd() * 64)]).join(''));
}

// --- Checking and timing, in Node or in the page ---------------------------------------------

/**
 * Runs in Node or in the page, so it must stay self-contained (no outer variables): checks that
 * both sides decide alike, then times them in interleaved batches. `lib` holds decidePlacement,
 * validateConfig and GrowthBook (whichever of them `p.sides` needs).
 */
function measureInRealm(lib, p) {
  const { decidePlacement, validateConfig, GrowthBook } = lib;
  const errors = [];
  const n = p.ids.length;
  const sides = p.sides;
  const problems = [];
  const placementOf = (config) => {
    const v = validateConfig(config);
    problems.push(...v.problems.filter((x) => x.severity === 'error').map((x) => `${x.message} (at ${x.path})`));
    return v.config.placements[0];
  };
  const gbFor = (features, id) => new GrowthBook({ attributes: { ...p.attributes, id }, features });

  // The setup: one validated placement, one input per id; one GrowthBook per id, built beforehand.
  const placement = placementOf(p.config);
  const inputs = p.ids.map((unitId) => ({ attributes: p.attributes, unitId }));
  const gbs = sides.includes('gb') ? p.ids.map((id) => gbFor(p.features, id)) : [];

  // 1. No targeted variant matches, and the split agrees id by id.
  const picks = {};
  for (let i = 0; i < n; i++) {
    const a = decidePlacement(placement, inputs[i]);
    if (a.reason !== 'weighted') errors.push(`Attune: reason ${a.reason} (${a.explain.error?.message ?? a.variant}) for ${p.ids[i]}, expected weighted`);
    picks[a.variant] = (picks[a.variant] ?? 0) + 1;
    if (!gbs.length) continue;
    const g = gbs[i].evalFeature(p.placementId);
    if (g.source !== 'experiment') errors.push(`GrowthBook: source ${g.source} (rule ${g.ruleId}) for ${p.ids[i]}, expected experiment`);
    if (g.value !== a.variant) errors.push(`${p.ids[i]}: Attune picks ${a.variant} (bucket ${a.explain.weighted?.bucket}), GrowthBook ${g.value} (bucket ${g.experimentResult?.bucket})`);
  }
  // 2. Each targeted variant fails only on its last condition: without it, it matches.
  for (let k = 0; k < p.truncated.length; k++) {
    const want = p.truncated[k].variant;
    const a = decidePlacement(placementOf(p.truncated[k].config), inputs[0]);
    if (a.reason !== 'rule' || a.variant !== want) errors.push(`Attune: without its last condition, ${want} gives ${a.variant} (${a.reason})`);
    if (!gbs.length) continue;
    const g = gbFor(p.truncated[k].features, p.ids[0]).evalFeature(p.placementId);
    if (g.source !== 'force' || g.value !== want) errors.push(`GrowthBook: without its last condition, ${want} gives ${g.value} (${g.source})`);
  }
  if (problems.length || errors.length) return { problems, errors: errors.slice(0, 10), errorCount: errors.length };

  // 3. Timing. The loops are alike: the call, a modulo to pick the id, a comparison to keep the result.
  const runAttune = (from, count) => {
    let hits = 0;
    for (let i = from, end = from + count; i < end; i++) if (decidePlacement(placement, inputs[i % n]).variant === 'eco') hits++;
    return hits;
  };
  const key = p.placementId;
  const runGb = (from, count) => {
    let hits = 0;
    for (let i = from, end = from + count; i < end; i++) if (gbs[i % n].evalFeature(key).value === 'eco') hits++;
    return hits;
  };
  const runs = { attune: runAttune, gb: runGb };
  const times = { attune: [], gb: [] };
  let sink = 0;
  for (const side of sides) sink += runs[side](0, p.warmup);
  for (let b = 0; b < p.batches; b++) {
    // Interleaved, alternating which side goes first, so drift and neighbours' load hit both alike.
    const order = b % 2 ? [...sides].reverse() : sides;
    for (const side of order) {
      const t0 = performance.now();
      sink += runs[side](b * p.batch, p.batch);
      times[side].push(((performance.now() - t0) * 1000) / p.batch);
    }
  }
  return { problems, errors, picks, times, sink };
}

/**
 * Runs in the page: the script tag's instance, fed events until its own attributes satisfy the same
 * conditions (its profile, the page's URL, the browser's locale), checked the same way, then timed.
 * decide() is memoised per page view; setStats(null) drops the memo (and nothing else that matters
 * here: no statistics were given), so each timed call is `setStats(null)` + `decide('hero')`.
 */
async function instanceInPage(p) {
  const A = window.Attune;
  if (!A) return { error: 'window.Attune is not defined' };
  const reported = [];
  A.on('error', (e) => reported.push(`${e.code} at ${e.path}: ${e.message}`));
  await A.ready;
  if (A.consent() !== 'granted') return { error: `consent is ${A.consent()}` };
  // Two orders first (an order empties the cart), then browsing and a cart, then the traits.
  const product = (i, price) => ({ product_id: `sku-${i}`, name: `Trail runner ${i}`, category: 'shoes', tags: ['running', 'trail'], price, currency: 'EUR' });
  A.orderCompleted({ order_id: 'o-1', revenue: 89.9, currency: 'EUR', products: [{ ...product(1, 89.9), quantity: 1 }] });
  A.orderCompleted({ order_id: 'o-2', revenue: 122.5, currency: 'EUR', products: [{ ...product(2, 122.5), quantity: 1 }] });
  for (let i = 0; i < 6; i++) A.productViewed(product(10 + i, 49.9 + i * 10));
  A.productAdded({ ...product(12, 69.9), quantity: 2 });
  A.identify('user-4821', { plan: 'gold', newsletter: true, email: 'ada@example.com', appVersion: '3.4.1' });

  const decideOnce = (config) => {
    const problems = A.setConfig(config).filter((x) => x.severity === 'error');
    return { problems, decision: A.decide(p.placementId) };
  };
  const errors = [];
  for (const [k, t] of p.truncated.entries()) {
    const { problems, decision } = decideOnce(t.config);
    if (problems.length) errors.push(`config problems: ${problems.map((x) => x.message).join('; ')}`);
    if (decision.reason !== 'rule' || decision.variant !== t.variant) errors.push(`instance: without its last condition, ${t.variant} gives ${decision.variant} (${decision.reason}${decision.explain.error ? `: ${decision.explain.error.message}` : ''}) [${k}]`);
  }
  const { problems, decision } = decideOnce(p.config);
  if (problems.length) errors.push(`config problems: ${problems.map((x) => x.message).join('; ')}`);
  if (decision.reason !== 'weighted') errors.push(`instance: reason ${decision.reason} for the full config, expected weighted`);
  const profile = A.profile();
  if (errors.length) return { errors, profile: { topCategory: profile.topCategory, orders: profile.orders, cart: profile.cart, traits: profile.traits, session: profile.session } };

  const eventsBefore = profile.events;
  const loops = {
    decide: () => {
      A.setStats(null);
      return A.decide('hero').variant === 'eco';
    },
    setStats: () => A.setStats(null) === undefined,
    memo: () => A.decide('hero').variant === 'eco',
  };
  const times = { decide: [], setStats: [], memo: [] };
  let sink = 0;
  for (const name in loops) for (let i = 0; i < p.warmup; i++) sink += loops[name]() ? 1 : 0;
  for (let b = 0; b < p.batches; b++) {
    for (const name in loops) {
      const call = loops[name];
      const t0 = performance.now();
      for (let i = 0; i < p.batch; i++) sink += call() ? 1 : 0;
      times[name].push(((performance.now() - t0) * 1000) / p.batch);
    }
  }
  return {
    errors,
    times,
    sink,
    variant: decision.variant,
    unitId: profile.userId || profile.anonymousId,
    eventsDuring: A.profile().events - eventsBefore,
    reported,
  };
}

// --- Building, serving, running ---------------------------------------------------------------

/** Bundles the engine, validateConfig and GrowthBook: an ES module for Node and an IIFE for the page. */
async function buildBundles() {
  const source = [
    `export { decidePlacement } from ${JSON.stringify(path.join(SRC, 'decide', 'engine.ts'))};`,
    `export { validateConfig } from ${JSON.stringify(path.join(SRC, 'decide', 'config.ts'))};`,
    `export { GrowthBook } from '@growthbook/growthbook';`,
  ].join('\n');
  const nodeEnvProduction = {
    name: 'bench-node-env-production',
    transform: (code) => (code.includes('process.env.NODE_ENV') ? { code: code.replaceAll('process.env.NODE_ENV', '"production"'), map: null } : null),
  };
  const { es, iife, warnings } = await bundleEntry(source, { name: '__benchDecide', plugins: [nodeEnvProduction], typescript: 'project' });
  return {
    esm: es,
    iife:
      iife +
      '\nwindow.benchAttune = { decidePlacement: __benchDecide.decidePlacement, validateConfig: __benchDecide.validateConfig };' +
      '\nwindow.benchGrowthBook = __benchDecide.GrowthBook;\n',
    warnings,
  };
}

const PAGE_PATH = '/shoes/trail-runner?utm_campaign=spring-sale&utm_source=newsletter&utm_medium=email';
const page = (withInstance) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Trail runner</title>
<script src="/bench-decide.js"></script>
${withInstance ? '<script src="/attune.min.js" data-site="bench-decide" data-no-capture="all"></script>' : ''}
</head><body><main><h1>Trail runner</h1><p>Nothing to see.</p></main></body></html>`;

/** What both realms are given. */
function params(sides) {
  const truncated = TARGETED.map((v, k) => ({ variant: v.id, config: attuneConfig(withoutLast(k)), features: growthBookFeatures(withoutLast(k)) }));
  return {
    placementId: PLACEMENT_ID,
    attributes: ATTRIBUTES,
    config: attuneConfig(),
    features: growthBookFeatures(),
    truncated,
    ids: makeIds(IDS),
    sides,
    warmup: WARMUP,
    batches: BATCHES,
    batch: BATCH,
  };
}

/** Throws when the sides disagree or the config is invalid: the comparison would mean nothing. */
function assertAgreement(realm, r) {
  if (r.problems.length) throw new Error(`${realm}: the bench config is invalid: ${r.problems.join('; ')}`);
  if (r.errors.length) throw new Error(`${realm}: Attune and GrowthBook disagree (${r.errorCount ?? r.errors.length}):\n  ${r.errors.join('\n  ')}`);
}

// p10 (the fastest tenth of the batches) is the least disturbed by other processes on a shared machine.
const stats = (perCall) => ({ median: median(perCall), p95: quantile(perCall, 0.95), p10: quantile(perCall, 0.1) });
// The verdict goes by the ratio as printed (2 decimals), so "0.50×" never reads as a miss.
const ratio = (a, g) => (Number.isFinite(a / g) ? `${(a / g).toFixed(2)}×` : 'n/a');
const verdict = (a, g) => (+(a / g).toFixed(2) <= GOAL ? `goal met (≤ ${GOAL}×)` : `goal missed (goal ≤ ${GOAL}×)`);

export async function run() {
  heading('decide(): Attune vs GrowthBook (20 conditions, 5 variants)');
  const started = Date.now();
  const { esm, iife, warnings } = await buildBundles();
  console.log(`bundled engine + validateConfig + @growthbook/growthbook 1.8.0 (NODE_ENV=production) in ${((Date.now() - started) / 1000).toFixed(1)} s${warnings.length ? `; warnings: ${warnings.slice(0, 3).join(' | ')}` : ''}`);
  const p = params(['attune', 'gb']);
  console.log(
    `placement "${PLACEMENT_ID}": 3 targeted variants with ${TARGETED.map((v) => Object.keys(v.when).length).join(' + ')} conditions (each fails on its last only), then a weighted pool of 2 (0.5/0.5);\n` +
      `GrowthBook: 3 force rules with the same conditions, then an experiment (hash v2, seed "${PLACEMENT_ID}:${VERSION}", hashAttribute id).\n` +
      `${int(IDS)} visitor ids, cycled; per id, one prepared Attune input { attributes, unitId } and one GrowthBook instance built beforehand\n` +
      `(its attributes: the same object spread, plus id), so neither side re-creates anything per call. ${int(WARMUP)} warm-up calls per side,\n` +
      `then ${BATCHES} batches of ${BATCH} calls per side, interleaved (alternating which goes first); per-call figures are batch time / ${BATCH}.`,
  );

  const rows = [['realm', 'what', 'median/call', 'p95/call', 'p10/call', 'Attune/GrowthBook: median (p10)', 'batches']];
  const summary = [];
  const addPair = (realm, r, timerNote) => {
    const a = stats(r.times.attune);
    const g = stats(r.times.gb);
    rows.push([realm, 'Attune decidePlacement(placement, { attributes, unitId })', us(a.median), us(a.p95), us(a.p10), `${ratio(a.median, g.median)} (${ratio(a.p10, g.p10)})`, `${BATCHES} × ${BATCH}`]);
    rows.push([realm, "GrowthBook gb.evalFeature('hero')", us(g.median), us(g.p95), us(g.p10), '', `${BATCHES} × ${BATCH}`]);
    summary.push({ metric: `${realm}: Attune decidePlacement`, value: us(a.median), note: `p95 ${us(a.p95)}${timerNote}` });
    summary.push({ metric: `${realm}: GrowthBook evalFeature`, value: us(g.median), note: `p95 ${us(g.p95)}` });
    summary.push({ metric: `${realm}: Attune/GrowthBook`, value: ratio(a.median, g.median), note: `${verdict(a.median, g.median)}; ${ratio(a.p10, g.p10)} at p10` });
  };

  // Node
  const lib = await importText(esm, 'bench-decide-');
  const nodeResult = measureInRealm(lib, p);
  assertAgreement('Node', nodeResult);
  console.log(`both sides agree in Node: no targeted variant matches; split over ${int(IDS)} ids: ${Object.entries(nodeResult.picks).map(([v, c]) => `${v} ${c}`).join(', ')}, the same id by id`);
  addPair('Node', nodeResult, '');

  // For reference: GrowthBook imported from the package as Node apps do, NODE_ENV unset.
  const packaged = await import('@growthbook/growthbook');
  const plain = measureInRealm({ ...lib, GrowthBook: packaged.GrowthBook }, { ...p, batches: 60 });
  assertAgreement('Node (package import)', plain);
  const plainGb = stats(plain.times.gb);
  const plainA = stats(plain.times.attune);

  // Chromium
  let chromiumNote = '';
  if (!hasChromium()) {
    chromiumNote = `Chromium figures skipped: no browser at ${CHROMIUM}.`;
    summary.push({ metric: 'Chromium figures', value: 'skipped', note: `no ${CHROMIUM}` });
  } else {
    const withInstance = existsSync(path.join(DIST, 'attune.min.js'));
    const launch = { locale: 'en-GB', timezoneId: 'Europe/London' };
    await withChromium({ page: page(withInstance), scripts: { '/bench-decide.js': iife }, dist: withInstance, path: PAGE_PATH, launch }, async ({ tab, pageErrors, timer }) => {
      const loaded = await tab.evaluate(() => !!window.benchAttune && !!window.benchGrowthBook);
      if (!loaded) throw new Error(`the bench bundle did not load in Chromium${pageErrors.length ? `: ${pageErrors.join('; ')}` : ''}`);
      const timerNote = `; timer step ${us(timer.step * 1000)}`;
      console.log(describeTimer(timer));

      const r = await tab.evaluate(`(${measureInRealm})({ ...window.benchAttune, GrowthBook: window.benchGrowthBook }, ${JSON.stringify(p)})`);
      assertAgreement('Chromium', r);
      addPair('Chromium', r, timerNote);

      if (!withInstance) {
        summary.push({ metric: 'Chromium: Attune instance decide()', value: 'skipped', note: 'no dist/attune.min.js' });
      } else {
        const inst = await tab.evaluate(instanceInPage, { placementId: PLACEMENT_ID, config: attuneConfig(), truncated: p.truncated.map(({ variant, config }) => ({ variant, config })), warmup: WARMUP, batches: BATCHES, batch: BATCH });
        if (inst.error || inst.errors.length) {
          throw new Error(`Chromium instance: ${inst.error ?? inst.errors.join('; ')}${inst.profile ? `\n  profile: ${JSON.stringify(inst.profile)}` : ''}`);
        }
        const d = stats(inst.times.decide);
        const s = stats(inst.times.setStats);
        const m = stats(inst.times.memo);
        const g = stats(r.times.gb);
        rows.push(['Chromium', "Attune.setStats(null) + Attune.decide('hero') (script tag)", us(d.median), us(d.p95), us(d.p10), `${ratio(d.median, g.median)} (${ratio(d.p10, g.p10)})`, `${BATCHES} × ${BATCH}`]);
        rows.push(['Chromium', '  of which Attune.setStats(null) alone', us(s.median), us(s.p95), us(s.p10), '', `${BATCHES} × ${BATCH}`]);
        rows.push(['Chromium', "  Attune.decide('hero') memoised (2nd call in a view)", us(m.median), us(m.p95), us(m.p10), '', `${BATCHES} × ${BATCH}`]);
        summary.push({
          metric: 'Chromium: Attune instance decide()',
          value: us(d.median),
          note: `setStats(null) + decide('hero'), ${ratio(d.median, g.median)} GrowthBook's evalFeature; setStats alone ${us(s.median)}`,
        });
        chromiumNote =
          `instance row: the script tag's own Attune, its profile fed 2 orders, 6 product views, a cart and identify() traits, on a page at\n` +
          ` ${PAGE_PATH} (locale en-GB), so its attributes pass the same 20 conditions up to each variant's last (checked the same way);\n` +
          ` one visitor (${inst.unitId}) for every call, variant ${inst.variant}; each call clears decide()'s per-view memo with setStats(null), so it\n` +
          ` includes that, the guard wrapper, the attribute cache check (events count + location.href) and copying the decision out.\n` +
          ` Events recorded while timing: ${inst.eventsDuring}; SDK errors reported: ${inst.reported.length}${inst.reported.length ? ` (first: ${inst.reported[0]})` : ''}.`;
      }
      if (pageErrors.length) chromiumNote += `\npage errors: ${pageErrors.slice(0, 3).join(' | ')}`;
    });
  }

  printTable(rows);
  console.log(
    `(goal: Attune at most ${GOAL}× GrowthBook's time; printed, never enforced. For reference, in Node GrowthBook imported from the package\n` +
      ` (its development checks of process.env.NODE_ENV live, NODE_ENV unset) takes ${us(plainGb.median)} per call, against Attune's ${us(plainA.median)} in the same 60 batches.)`,
  );
  if (chromiumNote) console.log(chromiumNote);
  console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return summary;
}
