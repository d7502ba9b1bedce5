// Synthetic data at the scale of the performance goals: a 10,000-item catalog with
// categories, tags and attributes, and 100,000 interactions with a long-tailed item
// popularity and visitors who stay within a few categories, as shoppers do.

/** A small deterministic random generator (mulberry32), so every run sees the same data. */
export function seeded(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CATEGORIES = 40;
const TAGS = 120;

/** `size` raw catalog items (as a feed would send them, to go through validateCatalog). */
export function syntheticCatalog(size = 10_000, seed = 7) {
  const random = seeded(seed);
  return Array.from({ length: size }, (_, i) => ({
    id: `p${i}`,
    title: `Product ${i}`,
    url: `/p/${i}`,
    image: `/img/${i}.webp`,
    price: Math.round(random() * 20000) / 100,
    currency: 'EUR',
    categories: [`c${i % CATEGORIES}`],
    tags: Array.from({ length: 1 + Math.floor(random() * 4) }, () => `t${Math.floor(random() * TAGS)}`),
    attributes: { colour: ['black', 'white', 'red', 'blue', 'green'][Math.floor(random() * 5)], size: ['s', 'm', 'l'][Math.floor(random() * 3)] },
    inStock: random() > 0.05,
    createdAt: Date.UTC(2024, 0, 1) + Math.floor(random() * 180) * 864e5,
  }));
}

/**
 * `count` interactions over `items` products: visitors of 2 to 20 product views in
 * sessions, in one or two favourite categories, each item drawn with a Zipf-like
 * weight; a third of the sessions end in an order of 1 to 4 of the viewed products.
 */
export function syntheticInteractions(count = 100_000, items = 10_000, seed = 11) {
  const random = seeded(seed);
  const perCategory = Math.ceil(items / CATEGORIES);
  // Zipf-like rank within a category: floor(n · u²) favours the first items.
  const pick = (category) => Math.min(items - 1, category + CATEGORIES * Math.floor(perCategory * random() ** 2));
  const out = [];
  let time = Date.UTC(2024, 5, 1);
  for (let v = 0; out.length < count; v++) {
    const visitor = `v${v}`;
    const favourites = [Math.floor(random() * CATEGORIES), Math.floor(random() * CATEGORIES)];
    const views = 2 + Math.floor(random() * 19);
    const seen = [];
    for (let k = 0; k < views && out.length < count; k++) {
      time += 1000 + Math.floor(random() * 120_000);
      const productId = `p${pick(favourites[random() < 0.7 ? 0 : 1])}`;
      seen.push(productId);
      out.push({ kind: 'view', productId, visitor, time });
    }
    if (random() < 1 / 3) {
      const lines = 1 + Math.floor(random() * 4);
      for (let k = 0; k < lines && out.length < count; k++) out.push({ kind: 'buy', productId: seen[Math.floor(random() * seen.length)], visitor, time, order: `o${v}` });
    }
  }
  return out;
}
