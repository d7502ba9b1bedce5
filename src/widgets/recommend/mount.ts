/**
 * Puts recommendation rows on the page: each `[data-attune-recs="<strategy>"]`
 * element (`data-limit`, `data-product` for `similar` and `bought-together`) is
 * ranked from the catalog, the visitor's profile and the collector's aggregates, and
 * rendered as cards. "Product List Viewed" is recorded once per view when a row is on
 * screen, "Product Clicked" on a click. Loaded only on pages that have a row or a catalog.
 */
import { isObject } from '../../decide/condition';
import { hasOwn } from '../../core/own';
import { validateCatalog, type CatalogValidation, type Product } from '../../recommend/catalog';
import { indexCatalog } from '../../recommend/catalog-index';
import type { CooccurrenceTable } from '../../recommend/cooccurrence';
import type { Counts } from '../../recommend/popularity';
import type { RecommendInput } from '../../recommend/rank';
import { recentlyViewed } from '../../recommend/recently-viewed';
import { popular, trending } from '../../recommend/popular';
import { similar } from '../../recommend/similar';
import { boughtTogether } from '../../recommend/bought-together';
import { forYou } from '../../recommend/for-you';
import type { RecommendStrategy } from '../../recommend/strategies';
import { visitorOfProfile } from '../../recommend/visitor';
import type { Profile } from '../../profile/profile';
import { renderRecommendations } from './render';
import { whenSeen } from '../visible';

/** What the recommendation widget needs from the instance. */
export interface RecommendHost {
  profile(): Profile;
  /** The catalog as given (validated here), or undefined when there is none. */
  catalog(): Promise<unknown>;
  /** What the collector last sent for `cooccurrence` and `popular`, if anything. */
  pulled(name: 'cooccurrence' | 'popular'): Promise<unknown>;
  track(event: string, properties: object): void;
  fail(code: string, path: string, problem: unknown): void;
}


// Validated once per catalog object, whichever instance gave it (the models index the same
// array each time), and its problems reported once to each instance: a module-level "last
// catalog" told only the first of two instances given the same object.
const validated = new WeakMap<object, CatalogValidation>();
// Each host's last catalog, whose problems it was told.
const told = new WeakMap<object, unknown>();

/**
 * The catalog's valid products, validated once per catalog object; each problem is
 * reported with its JSON path, once to each host given that catalog.
 *
 * @example productsOf(await host.catalog(), host)
 */
export function productsOf(raw: unknown, host: Pick<RecommendHost, 'fail'>): Product[] {
  // WeakMap.get takes any value (undefined for a primitive); only objects are kept.
  let result = validated.get(raw as object);
  if (!result) {
    result = validateCatalog(raw);
    if (raw && typeof raw == 'object') validated.set(raw, result);
  }
  if (told.get(host) !== raw) {
    told.set(host, raw);
    result.problems.forEach((p) => host.fail('catalog-' + (p.severity == 'error' ? 'invalid' : 'warning'), 'catalog' + p.path.slice(1), p.message));
  }
  return result.products;
}

type Model = (input: RecommendInput, limit: number, anchor?: string) => Product[];

/** The rows a page or a placement can ask for, by strategy (`data-attune-recs`): one per registered name. */
export const MODELS: Record<RecommendStrategy, Model> = {
  'for-you': (input, limit) => forYou(input, { limit }),
  popular: (input, limit) => popular(input, { limit }),
  trending: (input, limit) => trending(input, { limit }),
  'recently-viewed': (input, limit) => recentlyViewed(input, { limit, includePurchased: true, fill: false }),
  similar: (input, limit, anchor) => (anchor ? similar(input, anchor, { limit }) : []),
  'bought-together': (input, limit, anchor) => (anchor ? boughtTogether(input, anchor, { limit }) : []),
  // Hand-picked, in the given order (a quiz outcome's products): `data-product="id id …"`.
  products: (input, limit, ids = '') => {
    const { products, position } = indexCatalog(input.catalog);
    return ids
      .split(/\s+/)
      .map((id) => products[position.get(id)!])
      .filter(Boolean)
      .slice(0, limit);
  },
};

// A product as Segment's e-commerce events list it.
const item = (p: Product, position: number) => ({ product_id: p.id, name: p.title, category: p.categories[0], price: p.price, position });

let shownThisView = new WeakSet<Element>();

/**
 * Renders every `[data-attune-recs]` row of the page (again: the profile may have
 * changed); resolves with the catalog's products once done. On a `view` (a new page
 * view) every row is seen anew; otherwise rows already seen are not recorded again.
 *
 * @example await mountRecommendations(host)
 */
export async function mountRecommendations(host: RecommendHost, view?: boolean): Promise<Product[]> {
  const [raw, neighbours, popularBody] = await Promise.all([host.catalog(), host.pulled('cooccurrence'), host.pulled('popular')]);
  if (raw === undefined) return host.fail('catalog-missing', 'catalog', 'no catalog: give data-catalog or catalog()'), [];
  const catalog = productsOf(raw, host);
  const counts = isObject(popularBody) && isObject(popularBody.counts) ? (popularBody.counts as Counts) : undefined;
  const input: RecommendInput = {
    catalog,
    visitor: visitorOfProfile(host.profile()),
    neighbours: isObject(neighbours) ? (neighbours as CooccurrenceTable) : undefined,
    counts,
    trending: isObject(popularBody) && isObject(popularBody.trending) ? (popularBody.trending as Counts) : counts,
  };
  if (view) shownThisView = new WeakSet();
  for (const root of Array.from(document.querySelectorAll('[data-attune-recs]'))) {
    const list_id = root.getAttribute('data-attune-recs')!;
    const model = hasOwn(MODELS, list_id) && MODELS[list_id as RecommendStrategy];
    if (!model) {
      host.fail('recs-invalid', `recs(${list_id})`, 'unknown strategy; one of ' + Object.keys(MODELS).join(', '));
      continue;
    }
    const limit = Math.max(1, Math.min(100, parseInt(root.getAttribute('data-limit')!, 10) || 4));
    const products = model(input, limit, root.getAttribute('data-product') || (model != MODELS.products ? input.visitor!.viewed?.[0] : ''));
    renderRecommendations(root, products, {
      limit,
      label: root.getAttribute('aria-label') || undefined,
      onClick: (p, position) => host.track('Product Clicked', { list_id, ...item(p, position) }),
    });
    root.toggleAttribute('hidden', !products.length);
    const viewed = () => {
      if (shownThisView.has(root) || !products.length) return;
      shownThisView.add(root);
      host.track('Product List Viewed', { list_id, products: products.map((p, i) => item(p, i + 1)) });
    };
    whenSeen(root, viewed);
  }
  return catalog;
}
