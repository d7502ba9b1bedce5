// Recommendations (issue 7): offline quality under the leave-last-out protocol, build and
// query times at the scale of the goals, and the widget's size.
//
//   node bench/recs.mjs [--interactions FILE.csv]... [--ease [N]] [--only eval|perf|chromium|size]
//
// Without --interactions, the two views of the UCI Online Retail sample in bench/data/
// (written by scripts/online-retail-to-interactions.mjs, regenerated when missing).
// The models are src/recommend/ itself, bundled on the fly by importSource (see
// profile-node.mjs): no build of dist/ is needed, and nothing here is a copy of them.
// The query times in Chromium are bench/recs-chromium.mjs's (`--only chromium`).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, SRC, heading, int, median, ms, printTable, quantile, us } from './lib.mjs';
import { importSource } from './profile-node.mjs';
import { readInteractions } from './recs-lib/csv.mjs';
import { assertExcludesOwn, evaluate, leaveLastOut } from './recs-lib/protocol.mjs';
import { cosineBaseline, popularityBaseline } from './recs-lib/baselines.mjs';
import { easeBaseline } from './recs-lib/ease.mjs';
import { syntheticCatalog, syntheticInteractions, seeded } from './recs-lib/synth.mjs';
import { widgetSize } from './recs-lib/size.mjs';
import { writeOnlineRetail } from '../scripts/online-retail-to-interactions.mjs';

/** What the collector should serve for "for you" and "bought together": the best on this bench. */
export const RECOMMENDED = { score: 'cosine', shrink: 5, proximity: 0.9, top: 20 };
/** Trending's half-life here: the sample spans five days. */
const TRENDING_HALF_LIFE_DAYS = 1;
const DEFAULT_FILES = ['customer', 'invoice'].map((view) => path.join(ROOT, `bench/data/online-retail-${view}.csv`));

const f4 = (x) => x.toFixed(4);
const timed = (fn) => {
  const started = performance.now();
  const value = fn();
  return [value, performance.now() - started];
};

/**
 * Training rows as Attune interactions: each is a view (sessions of the CSV's user, 30
 * minutes apart at most) and a purchase in the basket of the user (a customer's history,
 * or an invoice), in time order.
 */
const interactionsOf = (train) => [
  ...train.map((r) => ({ kind: 'view', productId: r.item, visitor: r.user, time: r.time })),
  ...train.map((r) => ({ kind: 'buy', productId: r.item, visitor: r.user, order: r.user, time: r.time })),
];

async function evaluateFile(A, file, { ease }) {
  const rows = readInteractions(readFileSync(file, 'utf8'), path.basename(file));
  const { items, train, users } = leaveLastOut(rows);
  heading(`Offline evaluation: ${path.relative(process.cwd(), file)}`);
  console.log(`${int(users.length)} users held out, ${int(items.length)} items, ${int(train.length)} training interactions`);

  const catalog = items.map((id) => ({ id, title: id, url: `/p/${encodeURIComponent(id)}`, categories: [], tags: [], attributes: {}, inStock: true }));
  const interactions = interactionsOf(train);
  // maxBasket: a customer's history is one basket here, and some hold hundreds of items.
  const [neighbours, buildMs] = timed(() => A.cooccurrence(interactions, { ...RECOMMENDED, maxBasket: 1000 }));
  const [plain, plainMs] = timed(() => A.cooccurrence(interactions, { maxBasket: 1000 }));
  const [counts, countsMs] = timed(() => A.popularity(interactions));
  const trendingCounts = A.popularity(interactions, { halfLifeDays: TRENDING_HALF_LIFE_DAYS });

  const visitor = (u) => ({ purchased: u.history.map((r) => r.item).reverse() });
  const latest = (u) => u.history[u.history.length - 1].item;
  const ids = (products) => products.map((p) => p.id);
  const input = (u, table = neighbours) => ({ catalog, neighbours: table, counts, trending: trendingCounts, visitor: visitor(u) });
  const models = [
    ['popularity (reference)', popularityBaseline(items, train), 'bench, independent of src/'],
    ['plain cosine + recency (reference)', cosineBaseline(items, train), 'user × item cosine, recency 0.9'],
    ['Attune popular', (u) => ids(A.popular(input(u))), 'counts, catalog order on ties'],
    ['Attune trending', (u) => ids(A.trending(input(u))), `half-life ${TRENDING_HALF_LIFE_DAYS} day`],
    ['Attune similar', (u) => ids(A.similar(input(u), latest(u))), 'anchor: latest item; co-view only (no content here)'],
    ['Attune bought together', (u) => ids(A.boughtTogether(input(u), latest(u))), 'anchor: latest item'],
    ['Attune for you, collector default', (u) => ids(A.forYou(input(u, plain))), 'counts, top 10'],
    ['Attune for you', (u) => ids(A.forYou(input(u))), 'cosine, shrink 5, proximity 0.9, top 20'],
  ];
  if (ease) {
    const model = easeBaseline(items, train, { size: ease });
    models.push([`EASE (top ${int(model.size)} items)`, model.recommend, `λ 50, recency 0.8; build ${ms(model.buildMs)}`]);
  }
  const table = [['model', 'HR@10', 'NDCG@10', '× popularity', 'per query', 'note']];
  const results = {};
  for (const [name, recommend, note] of models) {
    assertExcludesOwn(users, recommend);
    evaluate(users.slice(0, 20), recommend); // warm up, so the first model is not charged for compilation
    const r = evaluate(users, recommend);
    results[name] = r;
    table.push([name, f4(r.hr), f4(r.ndcg), `${(r.hr / results['popularity (reference)'].hr).toFixed(2)}×`, us(r.micros), note]);
  }
  printTable(table);
  console.log('recently viewed: not scored (the protocol leaves out the user\'s own items, which is all that list holds)');
  console.log(
    `build: cooccurrence ${ms(buildMs)} (recommended options), ${ms(plainMs)} (collector default); popularity ${ms(countsMs)}; ` +
      `table ${int(JSON.stringify(neighbours).length)} B as JSON`,
  );
  const best = results['Attune for you'];
  const name = path.basename(file);
  return [
    { metric: `${name}: popularity HR@10`, value: f4(results['popularity (reference)'].hr), note: `NDCG@10 ${f4(results['popularity (reference)'].ndcg)}` },
    { metric: `${name}: for you HR@10`, value: f4(best.hr), note: `NDCG@10 ${f4(best.ndcg)}; ${(best.hr / results['popularity (reference)'].hr).toFixed(2)}× popularity` },
  ];
}

// Visitors with 20 views, 3 cart lines, 30 purchases, affinities and a quiz outcome
// (also bench/recs-chromium.mjs's, so both realms rank for the same visitors).
export function visitorsFor(catalog, count, seed = 3) {
  const random = seeded(seed);
  const anyId = () => catalog[Math.floor(random() * catalog.length)].id;
  return Array.from({ length: count }, () => ({
    viewed: Array.from({ length: 20 }, anyId),
    carted: Array.from({ length: 3 }, anyId),
    purchased: Array.from({ length: 30 }, anyId),
    affinities: { categories: { c1: 4, c2: 2, c3: 1 }, tags: { t1: 3, t5: 2, t9: 1 } },
    outcomeTags: ['t7'],
  }));
}

async function performanceFigures(A) {
  heading('Build and query times (Node, synthetic data)');
  const raw = syntheticCatalog(10_000);
  const [{ products: catalog, problems }, validateMs] = timed(() => A.validateCatalog(raw));
  if (problems.length) throw new Error(`the synthetic catalog has ${problems.length} problems, e.g. ${problems[0].path}: ${problems[0].message}`);
  const interactions = syntheticInteractions(100_000, catalog.length);
  const builds = { recommended: [], default: [], popularity: [] };
  let neighbours;
  for (let run = 0; run < 5; run++) {
    let t;
    [neighbours, t] = timed(() => A.cooccurrence(interactions, RECOMMENDED));
    builds.recommended.push(t);
    builds.default.push(timed(() => A.cooccurrence(interactions))[1]);
    builds.popularity.push(timed(() => A.popularity(interactions, { halfLifeDays: 30 }))[1]);
  }
  const counts = A.popularity(interactions, { halfLifeDays: 30 });
  const [, indexMs] = timed(() => A.indexCatalog(catalog));
  const visitors = visitorsFor(catalog, 200);
  const calls = {
    'for you': (v) => A.forYou({ catalog, neighbours, counts, visitor: v }, { limit: 10 }),
    similar: (v) => A.similar({ catalog, neighbours, counts, visitor: v }, v.viewed[0], { limit: 10 }),
    'bought together': (v) => A.boughtTogether({ catalog, neighbours, counts, visitor: v }, v.carted, { limit: 10 }),
    popular: (v) => A.popular({ catalog, counts, visitor: v }, { limit: 10 }),
    'recently viewed': (v) => A.recentlyViewed({ catalog, visitor: v }, { limit: 10 }),
  };
  // The first call of a page: a catalog array the models have not indexed yet, and
  // neighbour lists not yet resolved to positions.
  const cold = {};
  for (const [name, model] of [['for you', 'forYou'], ['similar', 'similar']]) {
    const fresh = [...catalog];
    const v = { ...visitorsFor(catalog, 1)[0] };
    cold[name] = timed(() => (model === 'similar' ? A.similar({ catalog: fresh, neighbours, counts, visitor: v }, v.viewed[0]) : A.forYou({ catalog: fresh, neighbours, counts, visitor: v })))[1];
  }
  const rows = [['step', 'median', 'p95', 'runs', 'goal']];
  rows.push(['cooccurrence, 100,000 interactions (recommended)', ms(median(builds.recommended)), ms(quantile(builds.recommended, 0.95)), '5', '≤ 1 s']);
  rows.push(['cooccurrence, 100,000 interactions (default)', ms(median(builds.default)), ms(quantile(builds.default, 0.95)), '5', '']);
  rows.push(['popularity, 100,000 interactions', ms(median(builds.popularity)), ms(quantile(builds.popularity, 0.95)), '5', '']);
  rows.push(['validateCatalog, 10,000 items', ms(validateMs), '', '1', '']);
  rows.push(['indexCatalog, 10,000 items (positions; once per catalog)', ms(indexMs), '', '1', '']);
  rows.push(['for you, first call on a new catalog array', ms(cold['for you']), '', '1', '']);
  rows.push(['similar, first call on a new catalog array (content index)', ms(cold.similar), '', '1', '']);
  const summary = [{ metric: 'cooccurrence of 100k interactions', value: ms(median(builds.recommended)), note: 'goal ≤ 1 s (Node)' }];
  for (const [name, call] of Object.entries(calls)) {
    for (const v of visitors.slice(0, 50)) call(v); // warm up
    const times = [];
    for (let round = 0; round < 10; round++) {
      for (const v of visitors) {
        const started = process.hrtime.bigint();
        call(v);
        times.push(Number(process.hrtime.bigint() - started) / 1000);
      }
    }
    rows.push([`${name}, 10,000-item catalog`, us(median(times)), us(quantile(times, 0.95)), int(times.length), '≤ 1 ms']);
    summary.push({ metric: `${name} per call (10k items)`, value: us(median(times)), note: `p95 ${us(quantile(times, 0.95))}; goal ≤ 1 ms` });
  }
  printTable(rows);
  console.log(`(neighbour table: ${int(Object.keys(neighbours).length)} products, ${int(JSON.stringify(neighbours).length)} B as JSON; Chromium: see below, or --only chromium)`);
  return summary;
}

async function sizeFigures() {
  heading('Widget size (minified like dist/, gzip -9)');
  const render = [['renderRecommendations'], 'widgets/recommend/render.ts'];
  const bundles = [
    ['render only', [render]],
    ['render + for you', [render, [['forYou'], 'recommend/for-you.ts']]],
    [
      'render + all five models',
      [render, [['forYou'], 'recommend/for-you.ts'], [['similar'], 'recommend/similar.ts'], [['boughtTogether'], 'recommend/bought-together.ts'], [['popular', 'trending'], 'recommend/popular.ts'], [['recentlyViewed'], 'recommend/recently-viewed.ts']],
    ],
    ['render + all models + validateCatalog', [render, [['forYou', 'similar', 'boughtTogether', 'popular', 'trending', 'recentlyViewed', 'validateCatalog'], 'recommend/index.ts']]],
  ];
  const rows = [['bundle', 'minified B', 'gzip -9 B', 'budget']];
  const summary = [];
  for (const [name, exports] of bundles) {
    const { minified, gzip } = await widgetSize(SRC, exports);
    rows.push([name, int(minified), int(gzip), gzip <= 5000 ? 'within 5,000' : 'OVER 5,000']);
    summary.push({ metric: `widget: ${name}`, value: `${int(gzip)} B gzip`, note: 'budget 5,000 B' });
  }
  printTable(rows);
  return summary;
}

/** Runs the chosen parts and returns summary rows, as the other bench modules do. */
export async function run({ files = DEFAULT_FILES, ease = 0, only = null } = {}) {
  const A = await importSource('recommend/index.ts');
  const summary = [];
  if (!only || only === 'eval') {
    if (files === DEFAULT_FILES && !files.every(existsSync)) writeOnlineRetail();
    for (const file of files) summary.push(...(await evaluateFile(A, file, { ease })));
  }
  if (!only || only === 'perf') summary.push(...(await performanceFigures(A)));
  if (!only || only === 'chromium') summary.push(...(await (await import('./recs-chromium.mjs')).run({ shared: { RECOMMENDED, visitorsFor } })));
  if (!only || only === 'size') summary.push(...(await sizeFigures()));
  return summary;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const files = [];
  let ease = 0;
  let only = null;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--interactions') files.push(path.resolve(args[++i] ?? ''));
    else if (args[i] === '--ease') ease = /^\d+$/.test(args[i + 1] ?? '') ? +args[++i] : 1000;
    else if (args[i] === '--only') only = args[++i];
    else throw new Error(`unknown argument ${args[i]} (use --interactions FILE.csv, --ease [N], --only eval|perf|chromium|size)`);
  }
  const summary = await run({ files: files.length ? files : DEFAULT_FILES, ease, only });
  heading('Summary');
  printTable([['metric', 'value', 'note'], ...summary.map((r) => [r.metric, r.value, r.note ?? ''])]);
}
