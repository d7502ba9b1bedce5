/**
 * The full rebuild of a site's state from its raw interactions: for a file written before
 * schema 3, and when the options the state depends on change. In memory, each visitor's
 * interactions in time order (as `cooccurrence()` sorts them), so the result is exactly
 * the full recompute; then written in one transaction, every list marked for refresh.
 *
 * Retention deletes raw interactions while the state keeps them, so a rebuild after a
 * sweep knows only what is retained: an options change loses the older history.
 */
import type { Interaction } from '../../src/recommend/cooccurrence';
import { applyChanges, emptyState, foldInteractions } from '../../src/recommend/cooccurrence-state';
import { addDecayed, type DecayedScore } from '../../src/recommend/popularity-state';
import type { Db } from '../database';
import { toInteraction } from '../tables';
import type { InteractionRow } from '../event-store';
import { POPULAR_WEIGHTS, type CoocSettings } from './options';

const TABLES = ['cooc_pairs', 'cooc_products', 'cooc_sessions', 'cooc_popular', 'cooc_top', 'cooc_dirty'];

/** Rebuilds `site`'s state from its stored interactions (call with nothing of it queued to fold). */
export function replaySite(db: Db, site: string, settings: CoocSettings): void {
  const rows = db.prepare<[string]>('SELECT kind, product_id, visitor, time, order_id FROM interactions WHERE site = ? ORDER BY rowid').raw(true);
  const list: Interaction[] = [];
  for (const row of rows.iterate(site)) list.push(toInteraction(row as InteractionRow));
  // Stable: equal times keep the order stored, as in `cooccurrence()`.
  const ordered = list.map((i, at) => ({ i, at })).sort((x, y) => (x.i.visitor < y.i.visitor ? -1 : x.i.visitor > y.i.visitor ? 1 : x.i.time - y.i.time || x.at - y.at));
  const state = emptyState();
  applyChanges(state, foldInteractions(ordered.map(({ i }) => i), () => undefined, settings.baskets));
  const popular = new Map<string, { counts?: DecayedScore; trending?: DecayedScore }>();
  let latest: number | null = null;
  for (const i of list) {
    const p = popular.get(i.productId) ?? {};
    p.counts = addDecayed(p.counts, i.time, POPULAR_WEIGHTS[i.kind], settings.rates.counts);
    p.trending = addDecayed(p.trending, i.time, POPULAR_WEIGHTS[i.kind], settings.rates.trending);
    popular.set(i.productId, p);
    latest = latest === null ? i.time : Math.max(latest, i.time);
  }

  const pair = db.prepare('INSERT INTO cooc_pairs (site, kind, product, other, weight, count) VALUES (?, ?, ?, ?, ?, ?)');
  const product = db.prepare('INSERT INTO cooc_products (site, kind, product, baskets) VALUES (?, ?, ?, ?)');
  const dirty = db.prepare('INSERT INTO cooc_dirty (site, kind, product) VALUES (?, ?, ?)');
  const session = db.prepare('INSERT INTO cooc_sessions (site, visitor, view_last, view_products, order_key, order_products) VALUES (?, ?, ?, ?, ?, ?)');
  const score = db.prepare('INSERT INTO cooc_popular (site, product, anchor, counts, trending) VALUES (?, ?, ?, ?, ?)');
  db.transaction(() => {
    for (const table of TABLES) db.prepare(`DELETE FROM ${table} WHERE site = ?`).run(site);
    for (const { kind, a, b, weight, count } of state.pairs.values()) {
      pair.run(site, kind, a, b, weight, count);
      pair.run(site, kind, b, a, weight, count);
    }
    for (const p of state.products.values()) {
      product.run(site, p.kind, p.product, p.baskets);
      dirty.run(site, p.kind, p.product);
    }
    for (const [visitor, { view, order }] of state.visitors) {
      session.run(site, visitor, view?.last ?? null, view ? JSON.stringify(view.products) : null, order?.key ?? null, order ? JSON.stringify(order.products) : null);
    }
    for (const [id, p] of popular) score.run(site, id, p.counts!.anchor, p.counts!.score, p.trending!.score);
    db.prepare(
      `INSERT INTO cooc_sites (site, options, view_baskets, buy_baskets, latest, version, replay) VALUES (?, ?, ?, ?, ?, 1, 0)
       ON CONFLICT (site) DO UPDATE SET options = excluded.options, view_baskets = excluded.view_baskets, buy_baskets = excluded.buy_baskets,
         latest = excluded.latest, version = version + 1, replay = 0`,
    ).run(site, settings.key, state.baskets.view, state.baskets.buy, latest);
  }).immediate();
}
