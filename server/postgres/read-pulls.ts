/**
 * `/v1/cooccurrence` and `/v1/popular` on PostgreSQL: the bodies SQLite's server/cooc/serve.ts
 * gives, byte for byte, built by the same pure functions from the same rows, in one snapshot.
 * A pull reads the site's served lists and scores, never the interaction history.
 *
 * As on SQLite, the co-occurrence body is held per site as one piece per product and only
 * the products whose lists a refresh stamped since (`cooc_products.listed` above the
 * `cooc_sites.lists` the pieces are as of, whichever collector refreshed) are read again;
 * `lift` reads every row each time (its factor N changes every value with each basket).
 */
import { coocBody, joinPieces, keyOrder, piecesOf, popularBody, type PopularRow, type TopRow } from '../cooc/serve';
import { createLru } from '../lru';
import type { CoocSettings } from '../cooc/options';
import { etagOf } from '../respond';
import type { Tables } from '../tables';
import { inSnapshot, num, numOrNull, type Pool } from './read-snapshot';

/** The pull reads. */
export interface PullReads {
  /** Both tables of the site; `now` is the collector's clock, which popularity decays to at the latest. */
  tables(site: string, now: number): Promise<Tables>;
}

const SITE = 'SELECT view_baskets, buy_baskets, latest, lists FROM cooc_sites WHERE site = $1';
const TOP = 'SELECT kind, product, other, score FROM cooc_top WHERE site = $1';
const CHANGED = `SELECT kind, product, other, score FROM cooc_top WHERE site = $1 AND kind IN ('view', 'buy')
  AND product IN (SELECT DISTINCT product FROM cooc_products WHERE site = $1 AND listed > $2)`;
const CHANGED_PRODUCTS = 'SELECT DISTINCT product FROM cooc_products WHERE site = $1 AND listed > $2';

interface Held {
  pieces: Map<string, string>;
  order: string[] | null;
  /** The site's `lists` the pieces are as of. */
  seen: number;
}
const POPULAR = 'SELECT product, anchor, counts, trending FROM cooc_popular WHERE site = $1';

/** Creates the reads with the collector's co-occurrence settings (scoring and half-lives); pieces are held for `maxSites` sites. */
export function createPullReads(pool: Pool, { scoring, rates }: Pick<CoocSettings, 'scoring' | 'rates'>, maxSites = 64): PullReads {
  const held = createLru<string, Held>(maxSites);
  type Client = Parameters<Parameters<typeof inSnapshot>[1]>[0];
  const coocOf = async (client: Client, site: string, row: { view_baskets: number; buy_baskets: number; lists: number } | undefined): Promise<string> => {
    if (scoring.score === 'lift') return coocBody((await client.query<TopRow>({ name: 'attune_cooc_top', text: TOP, values: [site] })).rows, row, scoring);
    const lists = row?.lists ?? 0;
    let site_ = held.get(site);
    if (!site_) {
      const rows = (await client.query<TopRow>({ name: 'attune_cooc_top', text: TOP, values: [site] })).rows;
      held.set(site, (site_ = { pieces: piecesOf(rows), order: null, seen: lists }));
    } else if (site_.seen < lists) {
      const products = (await client.query<{ product: string }>({ name: 'attune_cooc_changed_products', text: CHANGED_PRODUCTS, values: [site, site_.seen] })).rows;
      const fresh = piecesOf((await client.query<TopRow>({ name: 'attune_cooc_changed', text: CHANGED, values: [site, site_.seen] })).rows);
      for (const { product } of products) {
        const text = fresh.get(product);
        const had = site_.pieces.has(product);
        if (text) site_.pieces.set(product, text);
        else site_.pieces.delete(product);
        if (had !== (text !== undefined)) site_.order = null;
      }
      site_.seen = lists;
    }
    return joinPieces(site_.pieces, (site_.order ??= [...site_.pieces.keys()].sort(keyOrder)));
  };
  return {
    tables: (site, now) =>
      inSnapshot(pool, async (client) => {
        const siteRows = (await client.query({ name: 'attune_cooc_site', text: SITE, values: [site] })).rows;
        const row = siteRows[0] && {
          view_baskets: num(siteRows[0].view_baskets),
          buy_baskets: num(siteRows[0].buy_baskets),
          latest: numOrNull(siteRows[0].latest),
          lists: num(siteRows[0].lists),
        };
        const latest = row?.latest ?? null;
        const popular: PopularRow[] =
          latest === null
            ? []
            : (await client.query({ name: 'attune_cooc_popular', text: POPULAR, values: [site] })).rows.map((p) => ({
                product: p.product,
                anchor: num(p.anchor),
                counts: p.counts,
                trending: p.trending,
              }));
        const cooccurrence = await coocOf(client, site, row);
        const body = popularBody(site, latest, popular, now, rates);
        return { cooccurrence: { body: cooccurrence, etag: etagOf(cooccurrence) }, popular: { body, etag: etagOf(body) } };
      }),
  };
}
