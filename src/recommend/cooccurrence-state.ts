/**
 * Co-occurrence kept incrementally: the state {@link cooccurrence} would build from a
 * whole history (pair weights, baskets per product, the site's baskets), plus what is
 * still open (each visitor's view session and last order), so that new interactions
 * are added without reading the old ones. Pure: the collector stores the state in
 * SQLite (server/cooc/) and feeds it a fold's interactions; a test keeps it in memory.
 *
 * Exact: for interactions in time order per visitor, in any batching, the table from
 * the state equals `cooccurrence()` of the whole list with the same options
 * (test/recommend/cooccurrence-state.test.ts). Where they differ, by rule:
 * - a view older than its visitor's open session's last view counts as if it came at
 *   that last view: it joins the open session at its end (a full recompute would sort
 *   it into place, possibly into a session already closed);
 * - an order's basket is the visitor's last order: a purchase with the same order key
 *   joins it, another key starts a new one (a full recompute merges every line of an
 *   order id wherever it comes, also lines of two visitors sharing an order id).
 */
import { pairScore, proximityWeights, roundScore, type CooccurrenceTable, type Interaction, type Neighbours, type Scoring } from './cooccurrence';

/** A basket kind: view sessions or orders. */
export type Kind = Interaction['kind'];

/** What the state itself depends on (changing one needs the history again). */
export interface BasketOptions {
  sessionGapMs: number;
  maxBasket: number;
  /** Resolved: in (0, 1), or 1 for none. */
  proximity: number;
}

/** A visitor's open baskets. */
export interface OpenBaskets {
  /** The open view session: its last view's time and its distinct products in order. */
  view: { last: number; products: string[] } | null;
  /** The last order: its key and its distinct products in order. */
  order: { key: string; products: string[] } | null;
}

/** What adding interactions changed: increments to add, and the visitors' open baskets to store. */
export interface CoocChanges {
  /** Per pair (`a` < `b`), weight and shared baskets to add. Keyed by {@link pairKey}. */
  pairs: Map<string, { kind: Kind; a: string; b: string; weight: number; count: number }>;
  /** Per product, baskets to add. Keyed by `kind` NUL `product`. */
  products: Map<string, { kind: Kind; product: string; baskets: number }>;
  /** New baskets of the site. */
  baskets: Record<Kind, number>;
  /** The new open baskets of each visitor seen. */
  visitors: Map<string, OpenBaskets>;
}

/** The key of an unordered pair of one kind. */
export const pairKey = (kind: Kind, a: string, b: string): string => (a < b ? `${kind}\0${a}\0${b}` : `${kind}\0${b}\0${a}`);

const copy = (open: OpenBaskets | undefined): OpenBaskets => ({
  view: open?.view ? { last: open.view.last, products: [...open.view.products] } : null,
  order: open?.order ? { key: open.order.key, products: [...open.order.products] } : null,
});

/**
 * Adds interactions, in the order given (each visitor's in time order for exactness),
 * to a state whose open baskets `openOf` reads; returns what changed. Reads nothing else.
 */
export function foldInteractions(interactions: readonly Interaction[], openOf: (visitor: string) => OpenBaskets | undefined, o: BasketOptions): CoocChanges {
  const changes: CoocChanges = { pairs: new Map(), products: new Map(), baskets: { view: 0, buy: 0 }, visitors: new Map() };
  const weights = proximityWeights(o.proximity);
  const add = (kind: Kind, basket: string[], product: string) => {
    if (basket.length >= o.maxBasket || basket.includes(product)) return;
    const length = basket.length;
    if (length === 0) changes.baskets[kind]++;
    for (let i = 0; i < length; i++) {
      const key = pairKey(kind, basket[i], product);
      const weight = weights[Math.min(length - i - 1, weights.length - 1)];
      const pair = changes.pairs.get(key);
      if (pair) (pair.weight += weight), pair.count++;
      else changes.pairs.set(key, { kind, a: basket[i] < product ? basket[i] : product, b: basket[i] < product ? product : basket[i], weight, count: 1 });
    }
    const productKey = `${kind}\0${product}`;
    const counted = changes.products.get(productKey);
    if (counted) counted.baskets++;
    else changes.products.set(productKey, { kind, product, baskets: 1 });
    basket.push(product);
  };
  for (const i of interactions) {
    let open = changes.visitors.get(i.visitor);
    if (!open) changes.visitors.set(i.visitor, (open = copy(openOf(i.visitor))));
    if (i.kind === 'view') {
      const session = open.view;
      // A late view counts as if it came at the session's last view (see the module's doc).
      const time = session ? Math.max(i.time, session.last) : i.time;
      if (!session || time - session.last > o.sessionGapMs) open.view = { last: time, products: [] };
      open.view!.last = time;
      add('view', open.view!.products, i.productId);
    } else {
      const key = i.order !== undefined ? `o:${i.order}` : `v:${i.visitor}@${i.time}`;
      if (!open.order || open.order.key !== key) open.order = { key, products: [] };
      add('buy', open.order.products, i.productId);
    }
  }
  return changes;
}

/** One partner of a product: the pair's weight and shared baskets, and the baskets holding the partner. */
export interface Partner {
  other: string;
  weight: number;
  count: number;
  baskets: number;
}

/**
 * A product's best neighbours, unrounded, as `cooccurrence()` ranks them: higher score
 * first, then lower id; pairs in fewer than `minCount` baskets left out. `sites` is the
 * kind's basket count (only `lift` reads it).
 */
export function rankPartners(baskets: number, partners: Iterable<Partner>, sites: number, o: Scoring): Neighbours {
  if (o.top < 1) return [];
  const scored: Neighbours = [];
  for (const p of partners) if (p.count >= o.minCount) scored.push([p.other, pairScore(p.weight, p.count, baskets, p.baskets, sites, o)]);
  scored.sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0));
  return scored.length > o.top ? scored.slice(0, Math.floor(o.top)) : scored;
}

/**
 * The served table from each product's unrounded lists: rounded, keys sorted, products
 * without any neighbour left out (so equal state gives equal JSON). `scale` multiplies a
 * kind's scores first (the collector stores `lift` without its basket count factor).
 */
export function servedTable(lists: Map<string, Partial<Record<Kind, Neighbours>>>, scale: Record<Kind, number> = { view: 1, buy: 1 }): CooccurrenceTable {
  const round = (list: Neighbours | undefined, k: number): Neighbours => (list ?? []).map(([id, score]) => [id, roundScore(k === 1 ? score : score * k)]);
  // Prototype-free: a product id "__proto__" is just another key.
  const table: CooccurrenceTable = Object.create(null);
  for (const id of [...lists.keys()].sort()) {
    const { view, buy } = lists.get(id)!;
    if (view?.length || buy?.length) table[id] = { viewed: round(view, scale.view), bought: round(buy, scale.buy) };
  }
  return table;
}

/** The whole state in memory (tests, and a rebuild from the raw history). */
export interface CoocState {
  pairs: Map<string, { kind: Kind; a: string; b: string; weight: number; count: number }>;
  products: Map<string, { kind: Kind; product: string; baskets: number }>;
  baskets: Record<Kind, number>;
  visitors: Map<string, OpenBaskets>;
}

/** An empty state. */
export const emptyState = (): CoocState => ({ pairs: new Map(), products: new Map(), baskets: { view: 0, buy: 0 }, visitors: new Map() });

/** Adds changes to an in-memory state (mutating it), as the collector adds them to its tables. */
export function applyChanges(state: CoocState, changes: CoocChanges): void {
  for (const [key, p] of changes.pairs) {
    const held = state.pairs.get(key);
    if (held) (held.weight += p.weight), (held.count += p.count);
    else state.pairs.set(key, { ...p });
  }
  for (const [key, p] of changes.products) {
    const held = state.products.get(key);
    if (held) held.baskets += p.baskets;
    else state.products.set(key, { ...p });
  }
  state.baskets.view += changes.baskets.view;
  state.baskets.buy += changes.baskets.buy;
  for (const [visitor, open] of changes.visitors) state.visitors.set(visitor, open);
}

/** The co-occurrence table of an in-memory state, with `cooccurrence()`'s options resolved. */
export function tableOfState(state: CoocState, o: Scoring): CooccurrenceTable {
  const partners = new Map<string, Partner[]>();
  const basketsOf = (kind: Kind, product: string) => state.products.get(`${kind}\0${product}`)?.baskets ?? 0;
  const push = (key: string, partner: Partner) => {
    const list = partners.get(key);
    if (list) list.push(partner);
    else partners.set(key, [partner]);
  };
  for (const { kind, a, b, weight, count } of state.pairs.values()) {
    push(`${kind}\0${a}`, { other: b, weight, count, baskets: basketsOf(kind, b) });
    push(`${kind}\0${b}`, { other: a, weight, count, baskets: basketsOf(kind, a) });
  }
  const lists = new Map<string, Partial<Record<Kind, Neighbours>>>();
  for (const [key, list] of partners) {
    const cut = key.indexOf('\0');
    const kind = key.slice(0, cut) as Kind;
    const product = key.slice(cut + 1);
    const entry = lists.get(product) ?? {};
    entry[kind] = rankPartners(basketsOf(kind, product), list, state.baskets[kind], o);
    lists.set(product, entry);
  }
  return servedTable(lists);
}
