/**
 * Puts recommendation rows on the page: each `[data-attune-recs="<strategy>"]`
 * element (`data-limit`, `data-product` for `similar` and `bought-together`) is
 * ranked from the catalog, the visitor's profile and the collector's aggregates, and
 * rendered as cards. "Product List Viewed" is recorded once per view when a row is on
 * screen, "Product Clicked" on a click. Also runs the trigger detectors. Loaded only
 * on pages that have a row or a catalog.
 */
import { validateCatalog, type Product } from '../../recommend/catalog';
import type { CooccurrenceTable } from '../../recommend/cooccurrence';
import type { Counts } from '../../recommend/popularity';
import type { RecommendInput } from '../../recommend/rank';
import { recentlyViewed } from '../../recommend/recently-viewed';
import { popular, trending } from '../../recommend/popular';
import { similar } from '../../recommend/similar';
import { boughtTogether } from '../../recommend/bought-together';
import { forYou } from '../../recommend/for-you';
import { detectTriggers, type TriggerMemory, type TriggerOptions } from '../../recommend/triggers';
import { visitorOfProfile } from '../../recommend/visitor';
import type { Profile, ProfileState } from '../../profile/profile';
import { renderRecommendations } from './render';
import { whenSeen } from '../visible';

/** What the recommendation widget needs from the instance. */
export interface RecommendHost {
  profile(): Profile;
  state(): ProfileState;
  /** The catalog as given (validated here), or undefined when there is none. */
  catalog(): Promise<unknown>;
  /** What the collector last sent for `cooccurrence` and `popular`, if anything. */
  pulled(name: 'cooccurrence' | 'popular'): Promise<unknown>;
  track(event: string, properties: object): void;
  /** The trigger detectors' memory, stored on the device. */
  load(): Promise<TriggerMemory | undefined>;
  save(memory: TriggerMemory): void;
  /** When a cart counts as abandoned, how long a product is new, … (defaults in `TriggerOptions`). */
  triggers?: TriggerOptions;
  fail(code: string, path: string, problem: unknown): void;
}

/** The rows a page can ask for. */
export const STRATEGIES = ['for-you', 'popular', 'trending', 'similar', 'bought-together', 'recently-viewed'];

const isObject = (x: unknown): x is Record<string, unknown> => !!x && typeof x == 'object' && !Array.isArray(x);

// Validated once per catalog object: the models index the same array each time.
let lastRaw: unknown;
let lastProducts: Product[] = [];
function productsOf(raw: unknown, host: RecommendHost): Product[] {
  if (raw !== lastRaw) {
    const { products, problems } = validateCatalog(raw);
    problems.forEach((p) => host.fail(p.severity == 'error' ? 'catalog-invalid' : 'catalog-warning', 'catalog' + p.path.slice(1), p.message));
    lastRaw = raw;
    lastProducts = products;
  }
  return lastProducts;
}

/** Ranks one row: `strategy` for `anchor` (a product id) at most `limit` products. */
export function rankRow(strategy: string, input: RecommendInput, limit: number, anchor?: string): Product[] {
  const options = { limit };
  if (strategy == 'for-you') return forYou(input, options);
  if (strategy == 'popular') return popular(input, options);
  if (strategy == 'trending') return trending(input, options);
  if (strategy == 'recently-viewed') return recentlyViewed(input, { ...options, includePurchased: true, fill: false });
  if (!anchor) return [];
  return strategy == 'similar' ? similar(input, anchor, options) : boughtTogether(input, anchor, options);
}

/**
 * Renders the catalog's products `ids` as cards in `root`, in that order (a quiz
 * outcome's products); ids the catalog does not have are left out.
 *
 * @example await renderProductIds(container, ['trail-runner'], host)
 */
export async function renderProductIds(root: Element, ids: readonly string[], host: RecommendHost): Promise<void> {
  const catalog = productsOf(await host.catalog(), host);
  const products = ids.map((id) => catalog.find((p) => p.id === id)).filter((p): p is Product => !!p);
  renderRecommendations(root, products, { onClick: (p, position) => host.track('Product Clicked', { list_id: 'quiz', product_id: p.id, name: p.title, price: p.price, position }) });
}

let shownThisView = new WeakSet<Element>();

/**
 * Renders every `[data-attune-recs]` row of the page for a new view (again: the
 * profile may have changed) and runs the trigger detectors; resolves when done.
 *
 * @example await mountRecommendations(host)
 */
export async function mountRecommendations(host: RecommendHost): Promise<void> {
  const [raw, neighbours, popularBody] = await Promise.all([host.catalog(), host.pulled('cooccurrence'), host.pulled('popular')]);
  if (raw === undefined) return host.fail('catalog-missing', 'catalog', 'Recommendations need a catalog: attune.catalog(items), options.catalog or data-catalog');
  const catalog = productsOf(raw, host);
  const counts = isObject(popularBody) && isObject(popularBody.counts) ? (popularBody.counts as Counts) : undefined;
  const input: RecommendInput = {
    catalog,
    visitor: visitorOfProfile(host.profile()),
    neighbours: isObject(neighbours) ? (neighbours as CooccurrenceTable) : undefined,
    counts,
    trending: isObject(popularBody) && isObject(popularBody.trending) ? (popularBody.trending as Counts) : counts,
  };
  // Each call is a view: its rows are seen (and recorded) anew.
  shownThisView = new WeakSet();
  for (const root of Array.from(document.querySelectorAll('[data-attune-recs]'))) {
    const strategy = root.getAttribute('data-attune-recs') || '';
    if (!STRATEGIES.includes(strategy)) {
      host.fail('recs-invalid', `recs(${strategy})`, `Unknown strategy; one of ${STRATEGIES.join(', ')}`);
      continue;
    }
    const limit = Math.max(1, Math.min(100, parseInt(root.getAttribute('data-limit') || '', 10) || 4));
    const anchor = root.getAttribute('data-product') || input.visitor!.viewed?.[0];
    const products = rankRow(strategy, input, limit, anchor);
    const list = (extra: object) => ({ list_id: strategy, ...extra });
    renderRecommendations(root, products, {
      limit,
      label: root.getAttribute('aria-label') || undefined,
      onClick: (p, position) => host.track('Product Clicked', list({ product_id: p.id, name: p.title, price: p.price, position })),
    });
    root.toggleAttribute('hidden', !products.length);
    const viewed = () => {
      if (shownThisView.has(root) || !products.length) return;
      shownThisView.add(root);
      host.track('Product List Viewed', list({ products: products.map((p, i) => ({ product_id: p.id, name: p.title, price: p.price, position: i + 1 })) }));
    };
    whenSeen(root, viewed);
  }
  const { events, memory } = detectTriggers(host.state(), catalog, Date.now(), host.triggers, await host.load());
  events.forEach((e) => host.track(e.event, e.properties));
  host.save(memory);
}
