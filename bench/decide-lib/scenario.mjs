// The scenario both SDKs evaluate, in Node and in Chromium: one returning visitor's attributes, a
// placement with 3 targeted variants (20 conditions in all) and a weighted pool of 2, the same as a
// GrowthBook feature, the visitor ids the calls cycle through, and how many calls are timed.
// Plain data only: `params()` is sent to the page as JSON.
import { int } from '../lib.mjs';

const WARMUP = 2_000;
export const BATCHES = 200;
export const BATCH = 200;
/** Distinct visitor ids the calls cycle through. */
const IDS = 512;
const PLACEMENT_ID = 'hero';

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

/**
 * The 20-leaf condition for the evalCondition rows: the targeted variants' 20 attribute tests in one
 * condition, the three that fail for the visitor turned into ones that pass, so both sides test all
 * 20 and say true. `failing` is the same with its last leaf false again, to check both say false.
 */
const CONDITION_20 = {
  ...Object.fromEntries(TARGETED.flatMap((v) => Object.entries(v.when).slice(0, -1))),
  'cart.value': { $gt: 50, $lte: 500 },
  priceBand: 'mid',
  'session.device': 'desktop',
};
// Two variants wrote `cart.value` and `segments`: the pool above keeps one key each, so two more
// leaves that pass make the count 20 again.
Object.assign(CONDITION_20, { purchased: { $all: ['sku-540'] }, 'context.library.version': { $vgte: '0.1.0' } });
const CONDITION_20_FAILING = { ...CONDITION_20, 'session.device': 'mobile' };

/** What both realms are given. */
export function params(sides) {
  const truncated = TARGETED.map((v, k) => ({ variant: v.id, config: attuneConfig(withoutLast(k)), features: growthBookFeatures(withoutLast(k)) }));
  return {
    placementId: PLACEMENT_ID,
    attributes: ATTRIBUTES,
    config: attuneConfig(),
    features: growthBookFeatures(),
    truncated,
    condition: CONDITION_20,
    failingCondition: CONDITION_20_FAILING,
    ids: makeIds(IDS),
    sides,
    warmup: WARMUP,
    batches: BATCHES,
    batch: BATCH,
  };
}

/** The number of attribute paths (leaves) in the evalCondition rows' condition. */
export const CONDITION_LEAVES = Object.keys(CONDITION_20).length;

/** The scenario and the timing protocol in words, printed before the figures. */
export const describeScenario = () =>
  `placement "${PLACEMENT_ID}": 3 targeted variants with ${TARGETED.map((v) => Object.keys(v.when).length).join(' + ')} conditions (each fails on its last only), then a weighted pool of 2 (0.5/0.5);\n` +
  `GrowthBook: 3 force rules with the same conditions, then an experiment (hash v2, seed "${PLACEMENT_ID}:${VERSION}", hashAttribute id).\n` +
  `${int(IDS)} visitor ids, cycled; per id, one prepared Attune input { attributes, unitId } and one GrowthBook instance built beforehand\n` +
  `(its attributes: the same object spread, plus id), so neither side re-creates anything per call. ${int(WARMUP)} warm-up calls per side,\n` +
  `then ${BATCHES} batches of ${BATCH} calls per side, interleaved (alternating which goes first); per-call figures are batch time / ${BATCH}.`;
