/**
 * A site's pull tables from the stored rows: `/v1/cooccurrence` from the served lists
 * (`cooc_top`), `/v1/popular` from the decayed scores (`cooc_popular`). Reads one index
 * range per table, so its cost follows the catalogue and the lists, never the history.
 */
import type { Neighbours } from '../../src/recommend/cooccurrence';
import { servedTable, type Kind } from '../../src/recommend/cooccurrence-state';
import { countsOf, decayedAt } from '../../src/recommend/popularity-state';
import type { Db } from '../database';
import { POPULAR_HALF_LIFE_DAYS, type PopularResponse } from '../popular-cache';
import { etagOf } from '../respond';
import type { CachedTable, Tables } from '../tables';
import type { CoocSettings } from './options';

const cached = (value: unknown): CachedTable => {
  const body = JSON.stringify(value);
  return { body, etag: etagOf(body) };
};

/** Reads a site's tables; `now` is the collector's clock, which popularity decays to at the latest. */
export type ServeTables = (site: string, now: number) => Tables;

/** Prepares the statements. */
export function createServe(db: Db, { scoring, rates }: CoocSettings): ServeTables {
  const site = db.prepare<[string], { view_baskets: number; buy_baskets: number; latest: number | null }>(
    'SELECT view_baskets, buy_baskets, latest FROM cooc_sites WHERE site = ?',
  );
  const top = db.prepare<[string], { kind: Kind; product: string; other: string; score: number }>('SELECT kind, product, other, score FROM cooc_top WHERE site = ?');
  const popular = db.prepare<[string], { product: string; anchor: number; counts: number; trending: number }>(
    'SELECT product, anchor, counts, trending FROM cooc_popular WHERE site = ?',
  );

  return (id, now) => {
    const row = site.get(id);
    const lists = new Map<string, Partial<Record<Kind, Neighbours>>>();
    for (const { kind, product, other, score } of top.iterate(id)) {
      let entry = lists.get(product);
      if (!entry) lists.set(product, (entry = {}));
      (entry[kind] ??= []).push([other, score]);
    }
    // Stored unordered: ranked as `cooccurrence()` ranks (higher score, then lower id).
    for (const entry of lists.values()) for (const list of Object.values(entry)) list.sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0));
    const scale = scoring.score === 'lift' && row ? { view: row.view_baskets, buy: row.buy_baskets } : undefined;

    const latest = row?.latest ?? null;
    const asOf = latest === null ? null : Math.min(latest, now);
    const counts: [string, number][] = [];
    const trending: [string, number][] = [];
    if (asOf !== null) {
      for (const p of popular.iterate(id)) {
        counts.push([p.product, decayedAt({ anchor: p.anchor, score: p.counts }, asOf, rates.counts)]);
        trending.push([p.product, decayedAt({ anchor: p.anchor, score: p.trending }, asOf, rates.trending)]);
      }
    }
    const body: PopularResponse = {
      site: id,
      asOf: asOf === null ? null : new Date(asOf).toISOString(),
      halfLifeDays: { counts: POPULAR_HALF_LIFE_DAYS.counts, trending: POPULAR_HALF_LIFE_DAYS.trending },
      counts: countsOf(counts),
      trending: countsOf(trending),
    };
    return { cooccurrence: cached(servedTable(lists, scale)), popular: cached(body) };
  };
}
