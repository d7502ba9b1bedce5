/**
 * Co-occurrence and popularity on PostgreSQL: server/cooc/ingest.ts's hook, with the pure
 * `foldInteractions` (src/recommend/cooccurrence-state.ts) and `popularAfter` both stores
 * run. Per site of the fold: the visitors' open baskets and the products' scores are read
 * with one statement each, and every increment is one unnest upsert per table
 * (`weight = cooc_pairs.weight + excluded.weight`, which concurrent writers add exactly).
 *
 * Left to the PostgreSQL reads (another part of issue #16): recomputing the served lists
 * (`cooc_top`) of the products marked in `cooc_dirty`, which SQLite's keeper does after a fold.
 */
import { foldInteractions, type OpenBaskets } from '../../src/recommend/cooccurrence-state';
import { interactionsBySite, weighedOf } from '../cooc/ingest';
import type { CoocSettings } from '../cooc/options';
import { openBasketsOf, popularAfter, sessionRowOf, type PopularRow, type SessionRow } from '../cooc/store';
import type { ValidEvent } from '../validate-event';
import { unnestWriter, type Column, type Queryable } from './sql';

const T = 'text' as const;
const B = 'bigint' as const;
const F = 'double precision' as const;
const PAIR_KEY: Column[] = [['site', T], ['kind', T], ['product', T], ['other', T]];

const addPairs = unnestWriter(
  'cooc_pairs',
  [...PAIR_KEY, ['weight', F], ['count', B]],
  'ON CONFLICT (site, kind, product, other) DO UPDATE SET weight = cooc_pairs.weight + excluded.weight, count = cooc_pairs.count + excluded.count',
  4,
);
const addProducts = unnestWriter(
  'cooc_products',
  [['site', T], ['kind', T], ['product', T], ['baskets', B]],
  'ON CONFLICT (site, kind, product) DO UPDATE SET baskets = cooc_products.baskets + excluded.baskets',
  3,
);
const markDirty = unnestWriter('cooc_dirty', [['site', T], ['kind', T], ['product', T]], 'ON CONFLICT DO NOTHING');
const putSessions = unnestWriter(
  'cooc_sessions',
  [['site', T], ['visitor', T], ['view_last', B], ['view_products', T], ['order_key', T], ['order_products', T]],
  `ON CONFLICT (site, visitor) DO UPDATE SET view_last = excluded.view_last, view_products = excluded.view_products,
     order_key = excluded.order_key, order_products = excluded.order_products`,
  2,
);
const putPopular = unnestWriter(
  'cooc_popular',
  [['site', T], ['product', T], ['anchor', B], ['counts', F], ['trending', F]],
  'ON CONFLICT (site, product) DO UPDATE SET anchor = excluded.anchor, counts = excluded.counts, trending = excluded.trending',
  2,
);

/**
 * Returns the hook: call it with a fold's visits inside the fold's transaction; it
 * resolves to the sites whose co-occurrence changed (whose `products` token the fold bumps).
 */
export function createPostgresCoocIngest(settings: CoocSettings): (client: Queryable, events: readonly ValidEvent[]) => Promise<string[]> {
  return async (client, events) => {
    const touched: string[] = [];
    for (const [site, interactions] of interactionsBySite(events)) {
      await client.query('INSERT INTO cooc_sites (site, options, replay) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING', [site, settings.key]);
      const { rows: siteRows } = await client.query<{ replay: number }>('SELECT replay FROM cooc_sites WHERE site = $1', [site]);
      // A site waiting for its rebuild from the raw interactions gets these from there.
      if (siteRows[0].replay) continue;
      const visitors = [...new Set(interactions.map((i) => i.visitor))];
      const { rows: sessions } = await client.query<SessionRow & { visitor: string }>(
        'SELECT visitor, view_last, view_products, order_key, order_products FROM cooc_sessions WHERE site = $1 AND visitor = ANY($2::text[])',
        [site, visitors],
      );
      const open = new Map<string, OpenBaskets>(sessions.map((row) => [row.visitor, openBasketsOf(row)]));
      const changes = foldInteractions(interactions, (visitor) => open.get(visitor), settings.baskets);
      const { latest, weighed } = weighedOf(interactions);

      const pairs: unknown[][] = [];
      const dirty: unknown[][] = [];
      for (const { kind, a, b, weight, count } of changes.pairs.values()) {
        pairs.push([site, kind, a, b, weight, count], [site, kind, b, a, weight, count]);
        dirty.push([site, kind, a], [site, kind, b]);
      }
      // A product in more baskets scores lower with every partner: its lists, and the lists it is in, are recomputed.
      const products = [...changes.products.values()].map(({ kind, product, baskets }) => [site, kind, product, baskets]);
      for (const [, kind, product] of products) dirty.push([site, kind, product]);
      await addPairs(client, pairs);
      await addProducts(client, products);
      await markDirty(client, dirty);
      await putSessions(client, [...changes.visitors].map(([visitor, baskets]) => [site, visitor, ...sessionRowOf(baskets)]));
      await client.query(
        `UPDATE cooc_sites SET view_baskets = view_baskets + $1, buy_baskets = buy_baskets + $2,
           latest = GREATEST(coalesce(latest, $3), $3), version = version + 1 WHERE site = $4`,
        [changes.baskets.view, changes.baskets.buy, latest, site],
      );

      const { rows: held } = await client.query<PopularRow & { product: string }>(
        'SELECT product, anchor, counts, trending FROM cooc_popular WHERE site = $1 AND product = ANY($2::text[])',
        [site, [...weighed.keys()]],
      );
      const stored = new Map(held.map((row) => [row.product, row]));
      await putPopular(
        client,
        [...weighed].map(([product, list]) => {
          const { anchor, counts, trending } = popularAfter(stored.get(product), list, settings.rates);
          return [site, product, anchor, counts, trending];
        }),
      );
      touched.push(site);
    }
    return touched;
  };
}
