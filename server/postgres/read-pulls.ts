/**
 * `/v1/cooccurrence` and `/v1/popular` on PostgreSQL: the bodies SQLite's server/cooc/serve.ts
 * gives, byte for byte, built by the same pure functions from the same rows. Each pull reads
 * the site's served lists (`cooc_top`, at most products × top rows) and scores, never the
 * interaction history, in one snapshot.
 */
import { coocBody, popularBody, type PopularRow, type TopRow } from '../cooc/serve';
import type { CoocSettings } from '../cooc/options';
import { etagOf } from '../respond';
import type { Tables } from '../tables';
import { inSnapshot, num, numOrNull, type Pool } from './read-snapshot';

/** The pull reads. */
export interface PullReads {
  /** Both tables of the site; `now` is the collector's clock, which popularity decays to at the latest. */
  tables(site: string, now: number): Promise<Tables>;
}

const SITE = 'SELECT view_baskets, buy_baskets, latest FROM cooc_sites WHERE site = $1';
const TOP = 'SELECT kind, product, other, score FROM cooc_top WHERE site = $1';
const POPULAR = 'SELECT product, anchor, counts, trending FROM cooc_popular WHERE site = $1';

/** Creates the reads with the collector's co-occurrence settings (scoring and half-lives). */
export function createPullReads(pool: Pool, { scoring, rates }: Pick<CoocSettings, 'scoring' | 'rates'>): PullReads {
  return {
    tables: (site, now) =>
      inSnapshot(pool, async (client) => {
        const siteRows = (await client.query({ name: 'attune_cooc_site', text: SITE, values: [site] })).rows;
        const row = siteRows[0] && { view_baskets: num(siteRows[0].view_baskets), buy_baskets: num(siteRows[0].buy_baskets), latest: numOrNull(siteRows[0].latest) };
        const top = (await client.query<TopRow>({ name: 'attune_cooc_top', text: TOP, values: [site] })).rows;
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
        const cooccurrence = coocBody(top, row, scoring);
        const body = popularBody(site, latest, popular, now, rates);
        return { cooccurrence: { body: cooccurrence, etag: etagOf(cooccurrence) }, popular: { body, etag: etagOf(body) } };
      }),
  };
}
