// Cost of learning one event into the profile (applyEvent) and of reading it (profileView), in Node.
// src/profile/profile.ts and what it imports are bundled on the fly with rollup, each .ts file
// transpiled by typescript.transpileModule (no type checking: `npm run typecheck` does that).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { rollup } from 'rollup';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { SRC, heading, int, median, ns, printTable, quantile, us } from './lib.mjs';
// Shared with the browser benches: strips types file by file, no type checking.
import { transpileTypeScript } from './browser.mjs';

const EVENTS = 100_000;
const RUNS = 7;
const VIEW_CALLS = 2_000;

/** Bundles a module of src/ into a temporary .mjs and imports it. */
export async function importSource(relative) {
  const bundle = await rollup({
    input: path.join(SRC, relative),
    plugins: [await transpileTypeScript(), nodeResolve()],
    onwarn: (warning, warn) => warning.code !== 'CIRCULAR_DEPENDENCY' && warn(warning),
  });
  const { output } = await bundle.generate({ format: 'es' });
  await bundle.close();
  const dir = mkdtempSync(path.join(tmpdir(), 'attune-bench-'));
  const file = path.join(dir, `${path.basename(relative, '.ts')}.mjs`);
  try {
    writeFileSync(file, output[0].code);
    return await import(pathToFileURL(file).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A small deterministic random generator (mulberry32), so every run sees the same events. */
const random = (seed) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const CATEGORIES = ['shoes', 'bags', 'coats', 'hats', 'socks', 'belts', 'scarves', 'gloves', 'dresses', 'shirts', 'jeans', 'watches'];
const TAGS = ['sale', 'new', 'leather', 'vegan', 'running', 'summer', 'winter', 'kids', 'premium', 'organic', 'waterproof', 'gift', 'black', 'red', 'wool'];
const REFERRERS = ['', 'https://www.google.com/search?q=shoes', 'https://l.facebook.com/', 'https://shop.example/', 'https://news.example.org/a'];
const CAMPAIGNS = [undefined, undefined, undefined, { name: 'spring-sale', source: 'newsletter', medium: 'email' }, { name: 'brand', source: 'google', medium: 'cpc' }];

/**
 * A realistic stream of Segment-shaped events: about 45% page views, 30% Product Viewed, 8% Product
 * Added, 2% Product Removed, 2% Order Completed (1 to 4 products), the rest other tracks and an
 * occasional identify; seconds to minutes apart, with gaps of hours that start new visits.
 */
export function makeEvents(count, seed = 42) {
  const rnd = random(seed);
  const pick = (list) => list[Math.floor(rnd() * list.length)];
  const product = () => {
    const n = Math.floor(rnd() * 800);
    return {
      product_id: `sku-${n}`,
      sku: `SKU${n}`,
      name: `Product ${n}`,
      category: CATEGORIES[n % CATEGORIES.length],
      tags: [TAGS[n % TAGS.length], TAGS[(n * 7) % TAGS.length], ...(n % 3 ? [] : [pick(TAGS)])],
      price: Math.round((5 + rnd() * 195) * 100) / 100,
      currency: 'EUR',
    };
  };
  const contextFor = (campaign, referrer) => {
    const pagePath = `/${pick(CATEGORIES)}/${Math.floor(rnd() * 50)}`;
    const context = {
      page: { url: `https://shop.example${pagePath}`, path: pagePath, search: '', referrer, title: 'Shop' },
      locale: 'en-GB',
      timezone: 'Europe/London',
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36',
      screen: { width: 1440, height: 900, density: 2 },
      library: { name: 'attune', version: '0.1.0' },
    };
    if (campaign) context.campaign = { ...campaign };
    return context;
  };
  let now = Date.parse('2025-03-01T09:00:00Z');
  let cart = [];
  let visitCampaign;
  let referrer = '';
  const events = [];
  for (let i = 0; i < count; i++) {
    if (rnd() < 0.01) {
      now += 3_600_000 * (1 + rnd() * 47); // a new visit, hours later
      visitCampaign = pick(CAMPAIGNS);
      referrer = pick(REFERRERS);
    } else now += 1000 + Math.floor(rnd() * 90_000);
    const event = { anonymousId: 'anon-bench', messageId: `m${i}`, timestamp: new Date(now).toISOString(), context: contextFor(visitCampaign, referrer) };
    const r = rnd();
    if (r < 0.45) Object.assign(event, { type: 'page', name: 'Shop', properties: { path: event.context.page.path } });
    else if (r < 0.75) Object.assign(event, { type: 'track', event: 'Product Viewed', properties: product() });
    else if (r < 0.83) {
      const added = { ...product(), quantity: 1 + Math.floor(rnd() * 2) };
      cart.push(added);
      Object.assign(event, { type: 'track', event: 'Product Added', properties: added });
    } else if (r < 0.85 && cart.length) {
      Object.assign(event, { type: 'track', event: 'Product Removed', properties: cart.pop() });
    } else if (r < 0.87) {
      const products = cart.length ? cart.slice(0, 4) : Array.from({ length: 1 + Math.floor(rnd() * 4) }, product);
      cart = [];
      const revenue = Math.round(products.reduce((sum, p) => sum + p.price * (p.quantity ?? 1), 0) * 100) / 100;
      Object.assign(event, { type: 'track', event: 'Order Completed', properties: { order_id: `o${i}`, revenue, total: revenue + 4.95, currency: 'EUR', products } });
    } else if (r < 0.995) {
      const name = pick(['Scroll Depth Reached', 'Page Engaged', 'Product List Viewed', 'Product Clicked', 'Checkout Started']);
      Object.assign(event, { type: 'track', event: name, properties: { depth: 50, engaged_ms: 12_000, list_id: 'shoes' } });
    } else Object.assign(event, { type: 'identify', userId: 'user-1', traits: { plan: 'gold', newsletter: rnd() < 0.5 } });
    events.push(event);
  }
  return events;
}

const kindOf = (event) => (event.type === 'track' ? event.event : event.type);

export async function run() {
  heading('Profile in Node (applyEvent, profileView)');
  const { applyEvent, createProfileState, profileView } = await importSource('profile/profile.ts');
  for (const [name, fn] of Object.entries({ applyEvent, createProfileState, profileView })) {
    if (typeof fn !== 'function') throw new Error(`src/profile/profile.ts does not export a function ${name}`);
  }
  const events = makeEvents(EVENTS);
  const now = Date.parse(events.at(-1).timestamp);

  // Whole stream, several runs on a fresh profile each; the first run only warms up.
  const perEvent = [];
  let state;
  for (let run = 0; run <= RUNS; run++) {
    state = createProfileState('anon-bench');
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < events.length; i++) applyEvent(state, events[i]);
    const elapsed = Number(process.hrtime.bigint() - t0);
    if (run) perEvent.push(elapsed / events.length);
  }
  if (state.events !== EVENTS) throw new Error(`applyEvent counted ${state.events} events out of ${EVENTS}`);

  // The same stream timed event by event, to see what each kind costs (timer overhead included).
  const overhead = [];
  for (let i = 0; i < 10_000; i++) {
    const t0 = process.hrtime.bigint();
    overhead.push(Number(process.hrtime.bigint() - t0));
  }
  const byKind = new Map();
  const single = createProfileState('anon-bench');
  for (const event of events) {
    const t0 = process.hrtime.bigint();
    applyEvent(single, event);
    const t = Number(process.hrtime.bigint() - t0);
    const kind = kindOf(event);
    if (!byKind.has(kind)) byKind.set(kind, []);
    byKind.get(kind).push(t);
  }

  // Reading the profile as conditions see it.
  const viewRuns = [];
  for (let run = 0; run <= 5; run++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < VIEW_CALLS; i++) profileView(state, now + i);
    if (run) viewRuns.push(Number(process.hrtime.bigint() - t0) / VIEW_CALLS);
  }
  const view = profileView(state, now);

  const mix = [...byKind].sort((a, b) => b[1].length - a[1].length).map(([kind, list]) => `${kind} ${((100 * list.length) / EVENTS).toFixed(0)}%`);
  console.log(`${int(EVENTS)} events: ${mix.join(', ')}`);
  console.log(
    `profile after them: ${state.visits} visits, ${Object.keys(state.scores.categories).length} categories, ${Object.keys(state.scores.tags).length} tags, ` +
      `${state.orders.count} orders, ${int(JSON.stringify(state).length)} B as JSON; top category ${view.topCategory}`,
  );
  printTable([
    ['what', 'median', 'best', 'worst', 'runs'],
    ['applyEvent, per event (whole stream)', ns(median(perEvent)), ns(Math.min(...perEvent)), ns(Math.max(...perEvent)), `${RUNS} × ${int(EVENTS)}`],
    ['profileView, per call', us(median(viewRuns) / 1000), us(Math.min(...viewRuns) / 1000), us(Math.max(...viewRuns) / 1000), `5 × ${int(VIEW_CALLS)}`],
  ]);
  console.log(`\napplyEvent by kind, timed one by one (process.hrtime.bigint overhead ≈ ${ns(median(overhead))}, not subtracted):`);
  printTable([
    ['kind', 'count', 'median', 'p95', 'p99'],
    ...[...byKind].sort((a, b) => b[1].length - a[1].length).map(([kind, list]) => [kind, int(list.length), ns(median(list)), ns(quantile(list, 0.95)), ns(quantile(list, 0.99))]),
  ]);

  const orders = byKind.get('Order Completed') ?? [];
  return [
    { metric: 'applyEvent per event (mixed stream)', value: ns(median(perEvent)), note: `median of ${RUNS} runs × ${int(EVENTS)} events` },
    { metric: 'applyEvent, Order Completed', value: ns(median(orders)), note: `one by one; p95 ${ns(quantile(orders, 0.95))}` },
    { metric: 'profileView per call', value: us(median(viewRuns) / 1000), note: `profile of ${int(JSON.stringify(state).length)} B JSON` },
  ];
}
