// A seeded simulation of the demo shop's visitors, so the dashboard has a result to show
// on a first run: every visitor goes through the real decision engine with the demo's
// own config (examples/index.html), the real quiz runner with the demo's quiz, and the
// real recommendation models, and the events are exactly those the SDK would send.
//
//   node scripts/simulate-visitors.mjs [--url http://127.0.0.1:8787] [--site demo] [--visitors 4000]
//
// Ground truth (GROUND_TRUTH below): what a visitor does depends on the hero they were
// shown. One pool variant ("free-repairs") truly converts best, the targeted variants
// better than the default, so treatment truly beats the holdout, which sees the default.
// The effects are large on purpose: the demo holds out 5 % of visitors (about 190 of
// 4,000), and the dashboard names a winner or an uplift only once the compared groups
// reach the sample size src/stats/sample-size.ts asks for; the report also weighs every
// targeted variant's small audience in "probability to be best". The engine (not this
// file) decides who is held out, who matches a rule, what the bandit picks and what
// sticks; the bandit learns from the simulation's own treatment counts, updated at once,
// as it would from /v1/stats with no delay.
//
// Dates: the visitors arrive over the `days` whole UTC days before today, never today,
// so the same seed on the same UTC day gives the same events byte for byte. messageIds
// depend only on the seed and the visitor and event numbers, so a re-run stores nothing
// new; a restart on a later day stores nothing new either, and the history stays on the
// dates of its first run (delete .demo/ for a fresh one ending yesterday).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createRandom, postEvents } from './seed-demo.mjs';
import { browse, runQuiz, showRow } from './simulate-browsing.mjs';
import { attribute, attributesOf, count, decide } from './simulate-device.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const SHOP = 'http://127.0.0.1:5173';
const LIBRARY = { name: 'attune-demo-simulation', version: '1' };

/**
 * What the simulated visitors truly do. `cartRate` is the chance that a home-page visit
 * ends with a product in the cart, by the hero variant shown (`targeted`: any variant a
 * rule chose; others: `default`), times the visitor's own propensity (mean 1) and
 * `quizBoost` after a finished quiz. An order follows a cart with `orderRate`.
 */
export const GROUND_TRUTH = Object.freeze({
  cartRate: Object.freeze({ default: 0.04, 'new-season': 0.07, 'free-repairs': 0.2, targeted: 0.075 }),
  quizBoost: 1.1,
  orderRate: 0.4,
  /** Share of first visits arriving from the `?utm_campaign=repair` campaign. */
  campaignShare: 0.08,
  /** Chance of a second visit, 1 to 6 days after the first; higher after a finished quiz. */
  returnRate: 0.35,
  returnAfterQuiz: 0.7,
  /** Chance that a home-page visit starts the quiz (once per visitor), and of leaving at each question. */
  quizRate: 0.35,
  quizLeaveRate: 0.07,
});

/** The demo's real config (the JSON inline on examples/index.html), quiz and catalog. */
export function loadDemoSetup(dir = join(root, 'examples')) {
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const inline = /<script type="application\/json" data-attune-config>([\s\S]*?)<\/script>/.exec(html);
  if (!inline) throw new Error(`no <script type="application/json" data-attune-config> in ${join(dir, 'index.html')}`);
  return {
    config: JSON.parse(inline[1]),
    quiz: JSON.parse(readFileSync(join(dir, 'product-finder.quiz.json'), 'utf8')),
    catalog: JSON.parse(readFileSync(join(dir, 'catalog.json'), 'utf8')),
  };
}

/**
 * The simulation's events, pure: the same options (same seed, visitors and UTC day of
 * `today`) give the same events. `sdk` is the SDK's public entries in one object
 * ({@link importBuiltSdk}, or their sources in tests); `setup` defaults to {@link loadDemoSetup}.
 */
export function simulateVisitors({ sdk, visitors = 4000, seed = 13, today = Date.now(), days = 28, setup = loadDemoSetup() }) {
  const { config, problems } = sdk.validateConfig(setup.config);
  const errors = problems.filter((p) => p.severity == 'error');
  if (errors.length) throw new Error(`the demo config has errors: ${errors.map((p) => `${p.path} ${p.message}`).join('; ')}`);
  const { quiz } = sdk.validateQuiz(setup.quiz);
  const catalog = sdk.validateCatalog(setup.catalog).products;
  if (!catalog.length || !config.placements.length) throw new Error('the demo setup has no products or no placements');
  const end = Math.floor(today / DAY) * DAY;
  const start = end - days * DAY;
  const random = createRandom(seed);
  const stats = {};
  const events = [];
  const totals = { visitors, visits: 0, holdout: 0, quizzesStarted: 0, quizzesCompleted: 0, carts: 0, orders: 0, revenue: 0, from: start, to: end };
  const categories = [...new Set(catalog.map((p) => p.categories[0]))];

  for (let v = 0; v < visitors; v++) {
    const anonymousId = `sim-${seed}-visitor-${String(v + 1).padStart(5, '0')}`;
    let sequence = 0;
    // A visitor as the SDK on their device knows them: profile fields the demo's
    // conditions and rows read, stored decisions, exposures and the cart.
    const s = {
      anonymousId,
      visits: 0,
      viewed: [],
      categoryViews: {},
      tagViews: {},
      cart: [],
      purchased: [],
      traits: {},
      quizzes: {},
      assignments: {},
      holdouts: {},
      exposures: {},
      orders: 0,
      favourite: categories[Math.floor(random() * categories.length)],
      propensity: 0.5 + random(),
      random,
      catalog,
      sdk,
      quiz,
    };
    let page;
    const emit = (type, event, properties, time) => {
      const context = { page: { url: page.url, path: page.path, search: page.search, referrer: '', title: page.title }, locale: 'en-GB', library: LIBRARY };
      if (page.campaign) context.campaign = { name: page.campaign };
      events.push({
        type,
        ...(type == 'track' ? { event } : { name: page.title }),
        properties,
        anonymousId,
        messageId: `sim-${seed}-${v + 1}-${++sequence}`,
        timestamp: new Date(time).toISOString(),
        context,
      });
    };
    // Every track goes through attribution, as `observe()` does in the SDK.
    s.track = (event, properties, time) => {
      emit('track', event, properties, time);
      for (const conversion of attribute(s.exposures, event, properties, time)) {
        const { first, ...props } = conversion;
        if (first && props.group == 'treatment') count(stats, props.placement, props.segment, props.variant, 'conversions');
        emit('track', 'Variant Converted', props, time + 1);
      }
    };
    // A page view; a campaign's visitor lands with ?utm_campaign=, which only that page's context carries.
    s.page = (path, search, title, time, campaign) => {
      page = { url: SHOP + path + search, path, search, title, campaign };
      emit('page', null, {}, time);
    };

    // Visitors arrive in order, so the bandit learns as it would over the weeks.
    const first = start + Math.floor(((v + random()) / visitors) * (days * DAY - 3 * HOUR));
    visit(s, first, random() < GROUND_TRUTH.campaignShare ? 'repair' : undefined, { config, stats, totals });
    const back = first + DAY + Math.floor(random() * 5 * DAY);
    if (random() < (s.quizzes[quiz.id] ? GROUND_TRUTH.returnAfterQuiz : GROUND_TRUTH.returnRate) && back < end - 2 * HOUR) visit(s, back, undefined, { config, stats, totals });
  }
  return { events, ...totals };
}

// One visit: the home page (hero, "for you" row, maybe the quiz), then product pages,
// maybe a cart and an order.
function visit(s, time, campaign, { config, stats, totals }) {
  const { sdk, random } = s;
  s.visits++;
  totals.visits++;
  let t = time;
  s.page('/', campaign ? `?utm_campaign=${campaign}` : '', 'Trail & Co. · Attune demo shop', t, campaign);
  const attributes = attributesOf(s, config, campaign);
  let hero;
  for (const placement of config.placements) {
    const d = decide(s, placement, config, stats, attributes);
    if (d.variant == null) continue;
    t += 400;
    s.exposures[placement.id] = { variant: d.variant, reason: d.reason, segment: d.segment, group: d.group, at: t, goals: placement.goal, value: placement.value, days: placement.attributionDays, converted: [] };
    if (d.group == 'treatment') count(stats, placement.id, d.segment, d.variant, 'impressions');
    else if (s.visits == 1) totals.holdout++;
    const properties = { placement: placement.id, variant: d.variant, reason: d.reason, segment: d.segment, group: d.group };
    if (d.explain.holdout && 'site' in d.explain.holdout) properties.holdout = 'site';
    s.track('Variant Viewed', properties, t);
    hero ||= { decision: d, placement };
  }
  const truth = GROUND_TRUTH.cartRate;
  const targeted = hero && hero.decision.reason == 'rule' && hero.placement.variants.find((x) => x.id == hero.decision.variant)?.when;
  const rate = targeted ? truth.targeted : (truth[hero?.decision.variant] ?? truth.default);
  const next = showRow(s, 'for-you', 0.75, 0.12, (t += 20_000));
  let picks = [];
  if (!s.quizzes[s.quiz.id] && random() < GROUND_TRUTH.quizRate) {
    totals.quizzesStarted++;
    const result = runQuiz(s, (t += 30_000), GROUND_TRUTH.quizLeaveRate);
    t = result.time;
    if (result.outcome) {
      totals.quizzesCompleted++;
      picks = result.products;
    }
  }
  const intent = rate * s.propensity * (s.quizzes[s.quiz.id] ? GROUND_TRUTH.quizBoost : 1);
  const outcome = browse(s, { time: t + MINUTE, next: next ?? picks[0], intent, orderRate: GROUND_TRUTH.orderRate });
  if (outcome.carted) totals.carts++;
  if (outcome.revenue !== undefined) {
    totals.orders++;
    totals.revenue += outcome.revenue;
  }
}

/**
 * Simulates and posts through `POST /v1/batch?site=…` (batches of at most 500 events and
 * 400 KB), resolving to the simulation's figures and what the collector stored: all of it
 * on a first run, nothing on a re-run the same UTC day or later.
 *
 * @example await seedSimulation('http://127.0.0.1:8787', { sdk: await importBuiltSdk('.') })
 */
export async function seedSimulation(collectorUrl, { site = 'demo', writeKey, ...options }) {
  const started = performance.now();
  const { events, ...figures } = simulateVisitors(options);
  const simulatedMs = performance.now() - started;
  const sent = await postEvents(collectorUrl, site, events, { writeKey });
  return { site, ...figures, events: events.length, ...sent, simulatedMs: Math.round(simulatedMs), ms: Math.round(performance.now() - started) };
}

/** One line for people: what a {@link seedSimulation} run did. */
export function describeSimulation(r) {
  const n = (x) => Math.round(x).toLocaleString('en-US');
  const day = (t) => new Date(t).toISOString().slice(0, 10);
  const what = r.stored ? `${n(r.stored)} of ${n(r.events)} events stored` : `already held (${n(r.events)} events)`;
  return (
    `simulated ${n(r.visitors)} visitors through the real placements, holdout, quiz and rows, ${day(r.from)} to ${day(r.to - 1)}: ` +
    `${n(r.holdout)} held out, ${n(r.quizzesStarted)} quizzes started (${n(r.quizzesCompleted)} finished), ` +
    `${n(r.carts)} carts, ${n(r.orders)} orders, EUR ${n(r.revenue)}; ${what} in ${(r.ms / 1000).toFixed(1)} s`
  );
}

/**
 * The built SDK's public entries in one object, as {@link SimulationOptions}' `sdk`: `attune`
 * (dist/index.mjs), `attune/quiz` and `attune/recommend`, under the checkout `root`.
 */
export async function importBuiltSdk(root) {
  const entries = ['index', 'quiz', 'recommend'].map((name) => import(pathToFileURL(join(root, `dist/${name}.mjs`)).href));
  return Object.assign({}, ...(await Promise.all(entries)));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: 'http://127.0.0.1:8787' },
      site: { type: 'string', default: 'demo' },
      visitors: { type: 'string', default: '4000' },
      seed: { type: 'string', default: '13' },
      'write-key': { type: 'string' },
    },
  });
  try {
    const sdk = await importBuiltSdk(root);
    console.log(describeSimulation(await seedSimulation(values.url, { sdk, site: values.site, visitors: Number(values.visitors), seed: Number(values.seed), writeKey: values['write-key'] })));
  } catch (error) {
    console.error(`simulation failed: ${error.message}${error.cause ? ` (${error.cause.message ?? error.cause})` : ''}`);
    process.exitCode = 1;
  }
}
