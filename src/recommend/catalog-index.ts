/**
 * Lookups the models need, built once per catalog and only when first needed: product
 * positions by id (every model), an inverted index of categories, tags and attributes
 * ("for you" affinities, "similar"), and content weights ("similar" only). A page with
 * a 10,000-item catalog pays for what its rows use, once.
 */
import type { Product } from './catalog';

/** Content features of the catalog, for cosine similarity. */
export interface CatalogContent {
  /** Each product's feature keys (`c:` category, `t:` tag, `a:` attribute=value). */
  keys: string[][];
  /** Positions of the products having each feature key, in catalog order. */
  postings: Map<string, number[]>;
  /** The Euclidean norm of each product's feature weights. */
  norms: Float64Array;
  /** A feature's weight: kind weight × ln(1 + N / products having it). */
  weight(key: string): number;
}

/** A catalog prepared for ranking. Positions are indices into `products`. */
export interface CatalogIndex {
  products: readonly Product[];
  /** Position of each product id (the first, should ids repeat). */
  position: Map<string, number>;
  /** Positions of the products in each category and with each tag, in catalog order. */
  groups(): { categories: Map<string, number[]>; tags: Map<string, number[]> };
  /** Feature keys, postings, weights and norms. */
  content(): CatalogContent;
}

// A shared category says more about likeness than one shared tag or attribute.
const KIND_WEIGHT: Record<string, number> = { c: 2, t: 1, a: 1 };

const cache = new WeakMap<readonly Product[], CatalogIndex>();

// The feature keys of a product, prefixed by kind so a tag never matches a category.
function keysOf(product: Product): string[] {
  const keys = product.categories.map((c) => `c:${c}`).concat(product.tags.map((t) => `t:${t}`));
  for (const name of Object.keys(product.attributes)) keys.push(`a:${name}=${product.attributes[name]}`);
  return keys;
}

// Appends a position to a key's list once (a product listing a tag twice counts once).
function add(lists: Map<string, number[]>, key: string, at: number): void {
  const list = lists.get(key);
  if (!list) lists.set(key, [at]);
  else if (list[list.length - 1] !== at) list.push(at);
}

// Computes a value on first call only.
const once = <T>(make: () => T): (() => T) => {
  let value: T | undefined;
  return () => (value ??= make());
};

/**
 * The index of a catalog, kept while the array lives (a WeakMap), so callers pass the
 * same validated array to every model at no extra cost. Treat the array as immutable:
 * a changed catalog is a new array.
 *
 * Feature weights are TF-IDF-like, so a rare shared tag ("gore-tex") counts for more
 * than a common one ("sale").
 */
export function indexCatalog(products: readonly Product[]): CatalogIndex {
  const hit = cache.get(products);
  if (hit) return hit;
  const position = new Map<string, number>();
  products.forEach((product, i) => position.has(product.id) || position.set(product.id, i));
  // Plain names, no prefixed strings to build: "for you" needs only these, and a scan
  // of 10,000 products into them costs a few milliseconds against ~20 for `content`.
  const groups = once(() => {
    const categories = new Map<string, number[]>();
    const tags = new Map<string, number[]>();
    products.forEach((product, i) => {
      for (const c of product.categories) add(categories, c, i);
      for (const t of product.tags) add(tags, t, i);
    });
    return { categories, tags };
  });
  const content = once((): CatalogContent => {
    const keys = products.map(keysOf);
    const postings = new Map<string, number[]>();
    keys.forEach((own, i) => own.forEach((key) => add(postings, key, i)));
    const weight = (key: string) => KIND_WEIGHT[key[0]] * Math.log(1 + products.length / (postings.get(key)?.length || 1));
    const norms = Float64Array.from(keys, (own) => Math.sqrt(own.reduce((sum, key) => sum + weight(key) ** 2, 0)));
    return { keys, postings, norms, weight };
  });
  const index = { products, position, groups, content };
  cache.set(products, index);
  return index;
}
