/**
 * A site's pull tables from the stored rows: `/v1/cooccurrence` from the served lists
 * (`cooc_top`), `/v1/popular` from the decayed scores (`cooc_popular`).
 *
 * The co-occurrence body is made of one piece per product, held per site (`maxSites` at
 * most) and rebuilt only for the products whose lists changed since (stamped by the
 * refresh with the site's `lists`, whichever process ran it): a pull after a batch reads
 * those few products' rows and joins the pieces, instead of every row of the site.
 * (`lift` reads all rows each time: its factor N changes every value with each basket.)
 */
import type { Neighbours } from '../../src/recommend/cooccurrence';
import { servedTable, type Kind } from '../../src/recommend/cooccurrence-state';
import { countsOf, decayedAt } from '../../src/recommend/popularity-state';
import type { Db } from '../database';
import { createLru } from '../lru';
import { POPULAR_HALF_LIFE_DAYS, type PopularResponse } from '../popular-cache';
import { etagOf } from '../respond';
import type { CachedTable, Tables } from '../tables';
import type { CoocSettings } from './options';

const cached = (body: string): CachedTable => ({ body, etag: etagOf(body) });

const byScore = ([a, x]: [string, number], [b, y]: [string, number]) => y - x || (a < b ? -1 : a > b ? 1 : 0);

// JSON.stringify writes an object's array-index keys first, in numeric order, then the
// others in insertion order (sorted here): the joined pieces must come in that order.
const isIndex = (key: string) => /^(?:0|[1-9][0-9]*)$/.test(key) && Number(key) <= 4294967294;
/** The order JSON.stringify writes an object's keys in (array indexes first): the pieces are joined in it. */
export const keyOrder = (a: string, b: string): number => {
  const [ia, ib] = [isIndex(a), isIndex(b)];
  if (ia !== ib) return ia ? -1 : 1;
  if (ia) return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0;
};

/** One served row of `cooc_top`. */
export interface TopRow {
  kind: Kind;
  product: string;
  other: string;
  score: number;
}

/** A site's row of `cooc_sites`, as the bodies need it. */
export interface SiteBaskets {
  view_baskets: number;
  buy_baskets: number;
}

/** One row of `cooc_popular`. */
export interface PopularRow {
  product: string;
  anchor: number;
  counts: number;
  trending: number;
}

const piece = (product: string, lists: Partial<Record<Kind, Neighbours>>): string | undefined => {
  const table = servedTable(new Map([[product, lists]]));
  const entry = table[product];
  return entry && `${JSON.stringify(product)}:${JSON.stringify(entry)}`;
};
const listsOf = (rows: Iterable<{ kind: Kind; other: string; score: number }>) => {
  const lists: Partial<Record<Kind, Neighbours>> = {};
  for (const { kind, other, score } of rows) (lists[kind] ??= []).push([other, score]);
  for (const list of Object.values(lists)) list.sort(byScore);
  return lists;
};

/** Each product's piece of the co-occurrence body (`"id":{…}`), from a site's `cooc_top` rows in any order. */
export function piecesOf(rows: Iterable<TopRow>): Map<string, string> {
  const byProduct = new Map<string, TopRow[]>();
  for (const r of rows) {
    const list = byProduct.get(r.product);
    if (list) list.push(r);
    else byProduct.set(r.product, [r]);
  }
  const pieces = new Map<string, string>();
  for (const [product, list] of byProduct) {
    const text = piece(product, listsOf(list));
    if (text) pieces.set(product, text);
  }
  return pieces;
}

/** The body from its pieces, in JSON.stringify's key order (`order`, when already sorted). */
export const joinPieces = (pieces: ReadonlyMap<string, string>, order = [...pieces.keys()].sort(keyOrder)): string =>
  `{${order.map((product) => pieces.get(product)).join(',')}}`;

/** The `lift` body: every row, scaled by the kind's baskets (stored without that factor). */
export function liftBody(rows: Iterable<TopRow>, site: SiteBaskets | undefined): string {
  const lists = new Map<string, Partial<Record<Kind, Neighbours>>>();
  for (const { kind, product, other, score } of rows) {
    let entry = lists.get(product);
    if (!entry) lists.set(product, (entry = {}));
    (entry[kind] ??= []).push([other, score]);
  }
  for (const entry of lists.values()) for (const list of Object.values(entry)) list.sort(byScore);
  return JSON.stringify(servedTable(lists, site ? { view: site.view_baskets, buy: site.buy_baskets } : undefined));
}

/** The whole co-occurrence body from a site's rows, as either store reads them. */
export const coocBody = (rows: Iterable<TopRow>, site: SiteBaskets | undefined, scoring: CoocSettings['scoring']): string =>
  scoring.score === 'lift' ? liftBody(rows, site) : joinPieces(piecesOf(rows));

/**
 * The `/v1/popular` body: scores decayed to the latest interaction (`latest`, null for
 * none), or to `now` if that is earlier.
 */
export function popularBody(site: string, latest: number | null, rows: Iterable<PopularRow>, now: number, rates: CoocSettings['rates']): string {
  const asOf = latest === null ? null : Math.min(latest, now);
  const counts: [string, number][] = [];
  const trending: [string, number][] = [];
  if (asOf !== null) {
    for (const p of rows) {
      counts.push([p.product, decayedAt({ anchor: p.anchor, score: p.counts }, asOf, rates.counts)]);
      trending.push([p.product, decayedAt({ anchor: p.anchor, score: p.trending }, asOf, rates.trending)]);
    }
  }
  const body: PopularResponse = {
    site,
    asOf: asOf === null ? null : new Date(asOf).toISOString(),
    halfLifeDays: { counts: POPULAR_HALF_LIFE_DAYS.counts, trending: POPULAR_HALF_LIFE_DAYS.trending },
    counts: countsOf(counts),
    trending: countsOf(trending),
  };
  return JSON.stringify(body);
}

/** A site's tables from its stored rows. */
export interface Serve {
  /** Both tables of the site; `now` is the collector's clock, which popularity decays to at the latest. */
  tables(site: string, now: number): Tables;
}

interface Pieces {
  pieces: Map<string, string>;
  order: string[] | null;
  /** The site's `lists` the pieces are as of. */
  seen: number;
}

/** Prepares the statements; `maxSites` bounds the sites whose pieces are held. */
export function createServe(db: Db, { scoring, rates }: CoocSettings, maxSites: number): Serve {
  const siteRow = db.prepare<[string], { view_baskets: number; buy_baskets: number; latest: number | null; lists: number }>(
    'SELECT view_baskets, buy_baskets, latest, lists FROM cooc_sites WHERE site = ?',
  );
  const changedSince = db.prepare<[string, number], { product: string }>('SELECT DISTINCT product FROM cooc_products WHERE site = ? AND listed > ?');
  const allTop = db.prepare<[string], { kind: Kind; product: string; other: string; score: number }>('SELECT kind, product, other, score FROM cooc_top WHERE site = ?');
  const productTop = db.prepare<[string, string], { kind: Kind; other: string; score: number }>('SELECT kind, other, score FROM cooc_top WHERE site = ? AND kind IN (\'view\', \'buy\') AND product = ?');
  const popular = db.prepare<[string], { product: string; anchor: number; counts: number; trending: number }>(
    'SELECT product, anchor, counts, trending FROM cooc_popular WHERE site = ?',
  );
  const held = createLru<string, Pieces>(maxSites);

  const cooccurrenceBody = (site: string, row: ReturnType<typeof siteRow.get>): string => {
    if (scoring.score === 'lift') return liftBody(allTop.iterate(site), row);
    let site_ = held.get(site);
    if (!site_) {
      held.set(site, (site_ = { pieces: piecesOf(allTop.iterate(site)), order: null, seen: row?.lists ?? 0 }));
    }
    const lists = row?.lists ?? 0;
    const stale = site_.seen < lists ? changedSince.all(site, site_.seen).map((r) => r.product) : [];
    site_.seen = lists;
    for (const product of stale) {
      const text = piece(product, listsOf(productTop.all(site, product)));
      const had = site_.pieces.has(product);
      if (text) site_.pieces.set(product, text);
      else site_.pieces.delete(product);
      if (had !== (text !== undefined)) site_.order = null;
    }
    site_.order ??= [...site_.pieces.keys()].sort(keyOrder);
    return joinPieces(site_.pieces, site_.order);
  };

  return {
    tables(site, now) {
      const row = siteRow.get(site);
      const latest = row?.latest ?? null;
      // Rows are read only when a body needs them (a site with no interaction has none).
      const rows = latest === null ? [] : popular.iterate(site);
      return { cooccurrence: cached(cooccurrenceBody(site, row)), popular: cached(popularBody(site, latest, rows, now, rates)) };
    },
  };
}
