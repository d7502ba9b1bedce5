// Seeds the demo collector with a realistic shopping history for the demo shop's
// catalog (examples/catalog.json), so "/v1/cooccurrence" and "/v1/popular" are not
// empty on a first run:
//
//   node scripts/seed-demo.mjs [--url http://127.0.0.1:8787] [--site demo] [--visitors 300]
//
// Synthetic visitors browse in sessions that follow their interests (a favourite
// category and tags), move from a product to its complements, and some fill a cart
// and order, often with a plausible companion (a shoe with socks, a shell with a pack).
// Timestamps spread over the last 30 days, with winter gear gaining in the last week,
// so "trending" differs from "popular". Everything is drawn from a seeded PRNG and
// every messageId is derived from it, so seeding twice stores nothing new: the
// collector ignores a messageId it already has.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const BATCH_SIZE = 100;

// Pairs people buy together in the demo catalog, on top of what the tags suggest
// (products of different categories sharing a tag). Ids missing from a catalog are ignored.
const BUNDLES = [
  ['trail-runner', 'trail-socks'],
  ['hiking-boot', 'trail-socks'],
  ['hiking-boot', 'rain-shell'],
  ['rain-shell', 'day-pack'],
  ['down-puffer', 'merino-beanie'],
  ['fleece-midlayer', 'merino-beanie'],
  ['day-pack', 'steel-bottle'],
  ['city-sneaker', 'sling-bag'],
  ['roll-top', 'rain-shell'],
];

/** A small, fast, seedable PRNG (mulberry32): the same seed gives the same history. */
export function createRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The demo shop's products: `{ id, name, category, tags, price }`. */
export function loadCatalog(file = join(root, 'examples/catalog.json')) {
  const document = JSON.parse(readFileSync(file, 'utf8'));
  const items = Array.isArray(document) ? document : document.products;
  return items.map((p) => ({
    id: String(p.product_id ?? p.id),
    name: p.name ?? p.title ?? String(p.product_id ?? p.id),
    category: Array.isArray(p.category) ? p.category[0] : p.category,
    tags: p.tags ?? [],
    price: p.price,
  }));
}

// Picks an index with probability proportional to its weight (all weights ≥ 0).
function weighted(random, weights) {
  let total = 0;
  for (const w of weights) total += w;
  if (!(total > 0)) return -1;
  let x = random() * total;
  for (let i = 0; i < weights.length; i++) if ((x -= weights[i]) < 0 && weights[i] > 0) return i;
  return weights.findLastIndex((w) => w > 0);
}

// How strongly b complements a: shared tags across categories, and the hand-made bundles.
function complementWeights(products) {
  const bundle = new Set(BUNDLES.flatMap(([a, b]) => [`${a}|${b}`, `${b}|${a}`]));
  return products.map((a) =>
    products.map((b) => {
      if (a === b) return 0;
      const shared = a.category === b.category ? 0 : b.tags.filter((t) => a.tags.includes(t)).length;
      return shared + (bundle.has(`${a.id}|${b.id}`) ? 6 : 0);
    }),
  );
}

/**
 * The seeded history as Segment-shaped track events, oldest session first per
 * visitor. Pure: the same options give the same events, whatever `now` (which only
 * shifts the timestamps).
 */
export function demoEvents({ visitors = 300, seed = 7, now = Date.now(), catalog = loadCatalog(), trendTag = 'winter' } = {}) {
  const random = createRandom(seed);
  const products = catalog;
  const complements = complementWeights(products);
  const categories = [...new Set(products.map((p) => p.category))];
  const tags = [...new Set(products.flatMap((p) => p.tags))];
  // Some products sell better whatever the visitor likes: a fixed, seeded ranking.
  const base = products.map(() => 0.3 + random());
  const events = [];
  const totals = { views: 0, carts: 0, orders: 0 };
  let orderNumber = 0;

  for (let v = 0; v < visitors; v++) {
    const anonymousId = `demo-visitor-${String(v + 1).padStart(4, '0')}`;
    let sequence = 0;
    const track = (event, properties, time) =>
      events.push({
        type: 'track',
        event,
        properties,
        anonymousId,
        messageId: `seed-${anonymousId}-${++sequence}`,
        timestamp: new Date(time).toISOString(),
        context: { library: { name: 'attune-demo-seed', version: '1' }, page: { path: '/product.html' } },
      });
    const product = (p) => ({ product_id: p.id, name: p.name, category: p.category, price: p.price, currency: 'EUR' });
    const line = (p) => ({ product_id: p.id, name: p.name, category: p.category, price: p.price, quantity: 1 });

    const favouriteCategory = categories[Math.floor(random() * categories.length)];
    const favouriteTags = [tags[Math.floor(random() * tags.length)], tags[Math.floor(random() * tags.length)]];
    const affinity = (p, age) =>
      base[products.indexOf(p)] *
      (1 + 2 * (p.category === favouriteCategory) + 1.5 * p.tags.filter((t) => favouriteTags.includes(t)).length) *
      (p.tags.includes(trendTag) ? 1 + 3 * Math.max(0, 1 - age / (7 * DAY)) : 1);

    const sessions = Math.min(6, 1 + Math.floor(-Math.log(1 - random()) * 1.2));
    const starts = Array.from({ length: sessions }, () => Math.floor(random() * (30 * DAY - 60 * MINUTE)) + 60 * MINUTE).sort((a, b) => b - a);
    for (const ago of starts) {
      let time = now - ago;
      const seen = [];
      const length = 2 + Math.floor(random() * 5);
      for (let k = 0; k < length; k++) {
        const current = seen[seen.length - 1];
        const mode = random();
        const weights = products.map((p, i) => {
          if (seen.includes(p)) return 0;
          if (!current) return affinity(p, ago);
          if (mode < 0.45) return complements[products.indexOf(current)][i] * affinity(p, ago);
          if (mode < 0.75) return p.category === current.category ? affinity(p, ago) : 0;
          return affinity(p, ago);
        });
        let next = weighted(random, weights);
        if (next < 0) next = weighted(random, products.map((p) => (seen.includes(p) ? 0 : affinity(p, ago))));
        if (next < 0) break;
        seen.push(products[next]);
        track('Product Viewed', product(products[next]), time);
        totals.views++;
        time += 30_000 + Math.floor(random() * 4 * MINUTE);
      }
      if (random() >= 0.3) continue;

      // A cart: the viewed product the visitor wants most, often with a companion.
      const wanted = seen[weighted(random, seen.map((p) => affinity(p, ago)))];
      const cart = [wanted];
      const companions = complements[products.indexOf(wanted)];
      for (const chance of [0.65, 0.25]) {
        if (random() >= chance) break;
        const extra = weighted(random, companions.map((w, i) => (cart.includes(products[i]) ? 0 : w * w)));
        if (extra >= 0) cart.push(products[extra]);
      }
      for (const p of cart) {
        track('Product Added', { ...product(p), quantity: 1 }, time);
        time += 20_000 + Math.floor(random() * MINUTE);
      }
      totals.carts++;
      if (random() >= 0.7) continue; // abandoned

      const revenue = cart.reduce((sum, p) => sum + (p.price ?? 0), 0);
      track('Checkout Started', { value: revenue, currency: 'EUR', products: cart.map(line) }, time);
      time += MINUTE + Math.floor(random() * 3 * MINUTE);
      track('Order Completed', { order_id: `seed-order-${++orderNumber}`, total: revenue, revenue, currency: 'EUR', products: cart.map(line) }, time);
      totals.orders++;
    }
  }
  return { events, ...totals };
}

/**
 * Seeds the collector at `collectorUrl` through `POST /v1/batch?site=…`, in batches of
 * at most 100 events, and resolves to what was sent and stored. A second run stores
 * nothing (every messageId is already there).
 *
 * @example await seedDemo('http://127.0.0.1:8787', { visitors: 300 })
 */
export async function seedDemo(collectorUrl, { visitors = 300, site = 'demo', seed = 7, now = Date.now(), catalog, writeKey } = {}) {
  const started = performance.now();
  const { events, views, carts, orders } = demoEvents({ visitors, seed, now, ...(catalog ? { catalog } : {}) });
  const sent = await postEvents(collectorUrl, site, events, { maxEvents: BATCH_SIZE, writeKey });
  return { site, visitors, events: events.length, views, carts, orders, ...sent, ms: Math.round(performance.now() - started) };
}

/**
 * Posts `events` to `POST /v1/batch?site=…` in order, in batches of at most `maxEvents`
 * events and `maxBytes` bytes of JSON (under the collector's 500 KB limit, with room for
 * the envelope), and resolves to what the collector stored and ignored as duplicates.
 * Throws on the first batch the collector refuses. `writeKey`, when given, is sent as the
 * SDK sends it (HTTP Basic, the key as the user name): a collector with a sites file needs it.
 *
 * @example await postEvents('http://127.0.0.1:8787', 'demo', events, { writeKey: DEMO_WRITE_KEY })
 */
export async function postEvents(collectorUrl, site, events, { maxEvents = 500, maxBytes = 400 * 1024, writeKey } = {}) {
  const auth = writeKey ? { Authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}` } : {};
  let stored = 0;
  let duplicates = 0;
  let batches = 0;
  const url = `${collectorUrl.replace(/\/+$/, '')}/v1/batch?site=${encodeURIComponent(site)}`;
  for (let i = 0; i < events.length; ) {
    // Events are ASCII-ish JSON, so string length is a close enough byte count here; the
    // margin under the limit covers the odd multi-byte character.
    // Each event is serialised once: its JSON is both measured and sent.
    const batch = [];
    let bytes = 0;
    for (; i < events.length && batch.length < maxEvents; i++) {
      const json = JSON.stringify(events[i]);
      if (batch.length && bytes + json.length + 1 > maxBytes) break;
      batch.push(json);
      bytes += json.length + 1;
    }
    const body = await postBatch(url, auth, `{"batch":[${batch.join(',')}],"sentAt":${JSON.stringify(new Date().toISOString())}}`);
    stored += body.stored;
    duplicates += body.duplicates;
    batches++;
  }
  return { stored, duplicates, batches };
}

// Statuses a sender should retry (the SDK's sender does the same), and how often at most.
const RETRYABLE = new Set([408, 429, 500, 502, 503, 504]);
const ATTEMPTS = 6;

// Posts one batch, retrying a dropped connection or a retryable answer after Retry-After
// (else 0.25 s, doubling): each event has a messageId, so a resend stores nothing twice.
async function postBatch(url, auth, payload) {
  for (let attempt = 1; ; attempt++) {
    let response;
    try {
      response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...auth }, body: payload });
    } catch (error) {
      if (attempt >= ATTEMPTS) throw new Error(`POST ${url} failed ${ATTEMPTS} times: ${error.cause?.message ?? error.message}`);
      await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** attempt));
      continue;
    }
    const body = await response.json().catch(() => ({}));
    if (response.ok) return body;
    if (!RETRYABLE.has(response.status) || attempt >= ATTEMPTS) throw new Error(`POST ${url} answered ${response.status}: ${JSON.stringify(body).slice(0, 300)}`);
    const after = Number(response.headers.get('retry-after'));
    await new Promise((resolve) => setTimeout(resolve, Number.isFinite(after) && after > 0 ? after * 1000 : 250 * 2 ** attempt));
  }
}

/** One line for people: what a {@link seedDemo} run did. */
export function describeSeeding(r) {
  const n = (x) => x.toLocaleString('en-US');
  return (
    `seeded site "${r.site}": ${n(r.stored)} of ${n(r.events)} events stored (${n(r.visitors)} visitors, ` +
    `${n(r.views)} product views, ${n(r.carts)} carts, ${n(r.orders)} orders over the last 30 days) in ${(r.ms / 1000).toFixed(1)} s`
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: 'http://127.0.0.1:8787' },
      site: { type: 'string', default: 'demo' },
      visitors: { type: 'string', default: '300' },
      'write-key': { type: 'string' },
    },
  });
  try {
    console.log(describeSeeding(await seedDemo(values.url, { site: values.site, visitors: Number(values.visitors), writeKey: values['write-key'] })));
  } catch (error) {
    console.error(`seeding failed: ${error.message}${error.cause ? ` (${error.cause.message ?? error.cause})` : ''}`);
    process.exitCode = 1;
  }
}
