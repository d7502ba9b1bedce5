/**
 * Recomputes the served neighbours of the products a fold marked (`cooc_dirty`), off
 * the request path and a few hundred products per transaction, yielding between them.
 *
 * Which lists can change: those of a product whose pairs changed (marked), and, when a
 * product's basket count grew (marked too), the lists it is in (`cooc_top_by_other`).
 * Its score with every partner fell, so a list it is not in cannot take it in. In a list
 * it is in, its new score is written in place while it still beats `cutoff`, the best
 * partner left out when the list was computed (those scores can only have fallen since);
 * otherwise that list is recomputed. The cost follows what changed, not the history.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { pairScore } from '../../src/recommend/cooccurrence';
import { rankPartners, type Kind, type Partner } from '../../src/recommend/cooccurrence-state';
import type { Db } from '../database';
import type { CoocSettings } from './options';

/** Dirty products taken per transaction. */
export const REFRESH_CHUNK = 200;

/** Refreshes sites' lists; one refresh per site at a time. */
export interface CoocRefresher {
  /** Recomputes every marked list of the site; resolves when none is left. */
  refresh(site: string): Promise<void>;
}

/**
 * Prepares the statements. A chunk that changed served lists bumps the site's `lists` and
 * stamps those products with it, so whoever holds the table (this process or another)
 * finds what to re-read in the database.
 */
export function createRefresher(db: Db, { scoring }: CoocSettings): CoocRefresher {
  const dirty = db.prepare<[string, number], { kind: Kind; product: string }>('SELECT kind, product FROM cooc_dirty WHERE site = ? LIMIT ?');
  const clean = db.prepare<[string, Kind, string]>('DELETE FROM cooc_dirty WHERE site = ? AND kind = ? AND product = ?');
  const listedBy = db.prepare<[string, Kind, string], { product: string }>('SELECT product FROM cooc_top WHERE site = ? AND kind = ? AND other = ?');
  const productOf = db.prepare<[string, Kind, string], { baskets: number; cutoff: number | null }>(
    'SELECT baskets, cutoff FROM cooc_products WHERE site = ? AND kind = ? AND product = ?',
  );
  const pairOf = db.prepare<[string, Kind, string, string], { weight: number; count: number }>(
    'SELECT weight, count FROM cooc_pairs WHERE site = ? AND kind = ? AND product = ? AND other = ?',
  );
  const partners = db.prepare<[string, Kind, string], Partner>(
    `SELECT p.other AS other, p.weight AS weight, p.count AS count, coalesce(b.baskets, 0) AS baskets
     FROM cooc_pairs p LEFT JOIN cooc_products b ON b.site = p.site AND b.kind = p.kind AND b.product = p.other
     WHERE p.site = ? AND p.kind = ? AND p.product = ?`,
  );
  const setCutoff = db.prepare<[number | null, string, Kind, string]>('UPDATE cooc_products SET cutoff = ? WHERE site = ? AND kind = ? AND product = ?');
  const dropList = db.prepare<[string, Kind, string]>('DELETE FROM cooc_top WHERE site = ? AND kind = ? AND product = ?');
  const addEntry = db.prepare<[string, Kind, string, string, number]>('INSERT INTO cooc_top (site, kind, product, other, score) VALUES (?, ?, ?, ?, ?)');
  const setScore = db.prepare<[number, string, Kind, string, string]>('UPDATE cooc_top SET score = ? WHERE site = ? AND kind = ? AND product = ? AND other = ?');
  const bumpLists = db.prepare<[string], { lists: number }>('UPDATE cooc_sites SET lists = lists + 1 WHERE site = ? RETURNING lists');
  const stamp = db.prepare<[number, string, Kind, string]>('UPDATE cooc_products SET listed = ? WHERE site = ? AND kind = ? AND product = ?');
  const top = Math.floor(scoring.top);
  // `lift` is stored without its factor N (the kind's baskets), which every new basket
  // changes; the served table multiplies it in (server/cooc/serve.ts).
  const scoreOf = (weight: number, count: number, ni: number, nj: number) => pairScore(weight, count, ni, nj, 1, scoring);

  const recompute = (site: string, kind: Kind, product: string) => {
    const baskets = productOf.get(site, kind, product)?.baskets ?? 0;
    // One more than served: the best left out is the bound later updates are checked against.
    const ranked = rankPartners(baskets, partners.iterate(site, kind, product), 1, { ...scoring, top: top + 1 });
    dropList.run(site, kind, product);
    for (const [other, score] of ranked.slice(0, top)) addEntry.run(site, kind, product, other, score);
    setCutoff.run(ranked.length > top ? ranked[top][1] : null, site, kind, product);
  };

  const chunk = db.transaction((site: string, limit: number): number => {
    const marked = dirty.all(site, limit);
    const done = new Set<string>();
    const touched = new Map<string, { kind: Kind; product: string }>();
    for (const { kind, product } of marked) {
      recompute(site, kind, product);
      done.add(`${kind}\0${product}`);
      touched.set(`${kind}\0${product}`, { kind, product });
    }
    for (const { kind, product } of marked) {
      const baskets = productOf.get(site, kind, product)?.baskets ?? 0;
      for (const { product: list } of listedBy.all(site, kind, product)) {
        if (done.has(`${kind}\0${list}`)) continue;
        touched.set(`${kind}\0${list}`, { kind, product: list });
        const owner = productOf.get(site, kind, list);
        const pair = pairOf.get(site, kind, list, product);
        const score = owner && pair ? scoreOf(pair.weight, pair.count, owner.baskets, baskets) : -Infinity;
        if (owner && pair && (owner.cutoff === null || score > owner.cutoff)) setScore.run(score, site, kind, list, product);
        else {
          recompute(site, kind, list);
          done.add(`${kind}\0${list}`);
        }
      }
    }
    for (const m of marked) clean.run(site, m.kind, m.product);
    const lists = touched.size ? bumpLists.get(site)?.lists : undefined;
    if (lists !== undefined) for (const t of touched.values()) stamp.run(lists, site, t.kind, t.product);
    return marked.length;
  });

  const running = new Map<string, Promise<void>>();
  const run = async (site: string) => {
    // Ends right after a chunk that found fewer marks than it may take: everything marked
    // before it, also by a fold while an earlier chunk yielded, is done.
    while (db.open && chunk.immediate(site, REFRESH_CHUNK) === REFRESH_CHUNK) await nextTurn();
  };
  return {
    refresh(site) {
      let job = running.get(site);
      if (!job) {
        const started: Promise<void> = run(site).finally(() => {
          if (running.get(site) === started) running.delete(site);
        });
        running.set(site, (job = started));
      }
      return job;
    },
  };
}
