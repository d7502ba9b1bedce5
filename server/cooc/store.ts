/**
 * The co-occurrence state's rows (server/cooc/schema.ts) as prepared statements: read a
 * site's settings and visitors' open baskets, add a fold's changes. Nothing held in memory.
 */
import type { CoocChanges, Kind, OpenBaskets } from '../../src/recommend/cooccurrence-state';
import { addDecayed, type DecayedScore } from '../../src/recommend/popularity-state';
import type { Db } from '../database';

/** A site's row. */
export interface SiteRow {
  options: string;
  view_baskets: number;
  buy_baskets: number;
  latest: number | null;
  version: number;
  replay: number;
}

/** Decay rates (per ms) of the two popularity scores. */
export interface PopularRates {
  counts: number;
  trending: number;
}

/** A product's interactions of one fold for popularity: `[time, weight]`. */
export type Weighed = [time: number, weight: number][];

/** The statements over one database. */
export type CoocStore = ReturnType<typeof createCoocStore>;

/** Prepares the statements. */
export function createCoocStore(db: Db) {
  const selectSite = db.prepare<[string], SiteRow>('SELECT options, view_baskets, buy_baskets, latest, version, replay FROM cooc_sites WHERE site = ?');
  const insertSite = db.prepare<[string, string, number]>('INSERT OR IGNORE INTO cooc_sites (site, options, replay) VALUES (?, ?, ?)');
  const updateSite = db.prepare<[number, number, number, number, string]>(
    `UPDATE cooc_sites SET view_baskets = view_baskets + ?, buy_baskets = buy_baskets + ?,
       latest = max(coalesce(latest, ?), ?), version = version + 1 WHERE site = ?`,
  );
  const selectSession = db.prepare<[string, string], { view_last: number | null; view_products: string | null; order_key: string | null; order_products: string | null }>(
    'SELECT view_last, view_products, order_key, order_products FROM cooc_sessions WHERE site = ? AND visitor = ?',
  );
  const upsertSession = db.prepare<[string, string, number | null, string | null, string | null, string | null]>(
    'INSERT OR REPLACE INTO cooc_sessions (site, visitor, view_last, view_products, order_key, order_products) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const addPair = db.prepare<[string, Kind, string, string, number, number]>(
    `INSERT INTO cooc_pairs (site, kind, product, other, weight, count) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (site, kind, product, other) DO UPDATE SET weight = weight + excluded.weight, count = count + excluded.count`,
  );
  const addProduct = db.prepare<[string, Kind, string, number]>(
    `INSERT INTO cooc_products (site, kind, product, baskets) VALUES (?, ?, ?, ?)
     ON CONFLICT (site, kind, product) DO UPDATE SET baskets = baskets + excluded.baskets`,
  );
  const markDirty = db.prepare<[string, Kind, string]>('INSERT OR IGNORE INTO cooc_dirty (site, kind, product) VALUES (?, ?, ?)');
  const selectPopular = db.prepare<[string, string], { anchor: number; counts: number; trending: number }>(
    'SELECT anchor, counts, trending FROM cooc_popular WHERE site = ? AND product = ?',
  );
  const upsertPopular = db.prepare<[string, string, number, number, number]>(
    'INSERT OR REPLACE INTO cooc_popular (site, product, anchor, counts, trending) VALUES (?, ?, ?, ?, ?)',
  );

  return {
    site: (site: string): SiteRow | undefined => selectSite.get(site),
    /** Creates the site's row unless it exists. */
    createSite: (site: string, options: string, replay: boolean) => void insertSite.run(site, options, replay ? 1 : 0),
    openOf(site: string, visitor: string): OpenBaskets | undefined {
      const row = selectSession.get(site, visitor);
      return row && openBasketsOf(row);
    },
    /** Adds a fold's changes, marks the products whose lists may change, and bumps the site's version. */
    apply(site: string, changes: CoocChanges, latest: number): void {
      for (const { kind, a, b, weight, count } of changes.pairs.values()) {
        addPair.run(site, kind, a, b, weight, count);
        addPair.run(site, kind, b, a, weight, count);
        markDirty.run(site, kind, a);
        markDirty.run(site, kind, b);
      }
      // A product in more baskets scores lower with every partner: its lists, and the lists it is in, are recomputed.
      for (const { kind, product, baskets } of changes.products.values()) {
        addProduct.run(site, kind, product, baskets);
        markDirty.run(site, kind, product);
      }
      for (const [visitor, open] of changes.visitors) upsertSession.run(site, visitor, ...sessionRowOf(open));
      updateSite.run(changes.baskets.view, changes.baskets.buy, latest, latest, site);
    },
    /** Adds each product's weighed interactions to its decayed scores. */
    addPopularity(site: string, weighed: Map<string, Weighed>, rates: PopularRates): void {
      for (const [product, list] of weighed) {
        const { anchor, counts, trending } = popularAfter(selectPopular.get(site, product), list, rates);
        upsertPopular.run(site, product, anchor, counts, trending);
      }
    },
  };
}

/** A `cooc_sessions` row's columns. */
export interface SessionRow {
  view_last: number | null;
  view_products: string | null;
  order_key: string | null;
  order_products: string | null;
}

/** A visitor's open baskets from its `cooc_sessions` row (what `foldInteractions` reads). */
export function openBasketsOf(row: SessionRow): OpenBaskets {
  return {
    view: row.view_last === null ? null : { last: row.view_last, products: JSON.parse(row.view_products ?? '[]') as string[] },
    order: row.order_key === null ? null : { key: row.order_key, products: JSON.parse(row.order_products ?? '[]') as string[] },
  };
}

/** The `cooc_sessions` row of a visitor's baskets after a fold: view_last, view_products, order_key, order_products. */
export const sessionRowOf = ({ view, order }: OpenBaskets): [number | null, string | null, string | null, string | null] => [
  view?.last ?? null,
  view ? JSON.stringify(view.products) : null,
  order?.key ?? null,
  order ? JSON.stringify(order.products) : null,
];

/** A product's `cooc_popular` figures. */
export interface PopularRow {
  anchor: number;
  counts: number;
  trending: number;
}

/** A product's popularity after a fold's weighed interactions are added to its stored row (pure). */
export function popularAfter(row: PopularRow | undefined, list: Weighed, rates: PopularRates): PopularRow {
  let counts: DecayedScore | undefined = row && { anchor: row.anchor, score: row.counts };
  let trending: DecayedScore | undefined = row && { anchor: row.anchor, score: row.trending };
  for (const [time, weight] of list) {
    counts = addDecayed(counts, time, weight, rates.counts);
    trending = addDecayed(trending, time, weight, rates.trending);
  }
  return { anchor: counts!.anchor, counts: counts!.score, trending: trending!.score };
}
