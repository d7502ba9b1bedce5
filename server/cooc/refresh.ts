/**
 * Recomputes the served neighbours of the products a fold marked (`cooc_dirty`), off
 * the request path and a few hundred products per transaction, yielding between them.
 *
 * Which lists can change: those of a product whose pairs changed (marked), and, when a
 * product's basket count grew (marked too), the lists it is in. Its score with every
 * partner fell, so a list it is not in cannot take it in; the lists it is in are found
 * by `cooc_top_by_other`. The cost follows what changed, not the history.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { rankPartners, type Kind, type Partner } from '../../src/recommend/cooccurrence-state';
import type { Db } from '../database';
import type { CoocSettings } from './options';

/** Dirty products taken per transaction. */
export const REFRESH_CHUNK = 200;

/** Refreshes sites' lists; one refresh per site at a time. */
export interface CoocRefresher {
  /** Recomputes every marked list of the site; resolves when none is left. */
  refresh(site: string): Promise<void>;
  /** Recomputes every marked list of the site at once, in one transaction (start, tests). */
  refreshNow(site: string): void;
}

/** Prepares the statements. */
export function createRefresher(db: Db, { scoring }: CoocSettings): CoocRefresher {
  const dirty = db.prepare<[string, number], { kind: Kind; product: string }>('SELECT kind, product FROM cooc_dirty WHERE site = ? LIMIT ?');
  const clean = db.prepare<[string, Kind, string]>('DELETE FROM cooc_dirty WHERE site = ? AND kind = ? AND product = ?');
  const listedBy = db.prepare<[string, Kind, string], { product: string }>('SELECT product FROM cooc_top WHERE site = ? AND kind = ? AND other = ?');
  const basketsOf = db.prepare<[string, Kind, string], { baskets: number }>('SELECT baskets FROM cooc_products WHERE site = ? AND kind = ? AND product = ?');
  const partners = db.prepare<[string, Kind, string], Partner>(
    `SELECT p.other AS other, p.weight AS weight, p.count AS count, coalesce(b.baskets, 0) AS baskets
     FROM cooc_pairs p LEFT JOIN cooc_products b ON b.site = p.site AND b.kind = p.kind AND b.product = p.other
     WHERE p.site = ? AND p.kind = ? AND p.product = ?`,
  );
  const dropList = db.prepare<[string, Kind, string]>('DELETE FROM cooc_top WHERE site = ? AND kind = ? AND product = ?');
  const addEntry = db.prepare<[string, Kind, string, string, number]>('INSERT INTO cooc_top (site, kind, product, other, score) VALUES (?, ?, ?, ?, ?)');

  const recompute = (site: string, kind: Kind, product: string) => {
    const baskets = basketsOf.get(site, kind, product)?.baskets ?? 0;
    // `lift` is stored without its factor N (the kind's baskets), which every new basket
    // changes; the served table multiplies it in (server/cooc/serve.ts).
    const list = rankPartners(baskets, partners.iterate(site, kind, product), 1, scoring);
    dropList.run(site, kind, product);
    for (const [other, score] of list) addEntry.run(site, kind, product, other, score);
  };

  const chunk = db.transaction((site: string, limit: number): number => {
    const marked = dirty.all(site, limit);
    const lists = new Map<string, { kind: Kind; product: string }>();
    for (const m of marked) {
      lists.set(`${m.kind}\0${m.product}`, m);
      for (const { product } of listedBy.all(site, m.kind, m.product)) lists.set(`${m.kind}\0${product}`, { kind: m.kind, product });
    }
    for (const { kind, product } of lists.values()) recompute(site, kind, product);
    for (const m of marked) clean.run(site, m.kind, m.product);
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
    refreshNow(site) {
      while (chunk.immediate(site, Number.MAX_SAFE_INTEGER) > 0);
    },
  };
}
