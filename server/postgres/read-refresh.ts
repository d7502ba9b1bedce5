/**
 * The co-occurrence list refresh (server/cooc/refresh.ts) on PostgreSQL: the same
 * recomputation of the lists a fold marked in `cooc_dirty`, a chunk per transaction, so
 * the stored lists come out as SQLite's.
 *
 * Many collectors may refresh one site at once. Each chunk first locks the site's
 * `cooc_sites` row (`FOR UPDATE`): a second refresher's chunk waits for the first to commit,
 * then reads the marks left (READ COMMITTED: each statement sees what committed before it),
 * so no list is recomputed by two transactions at once and no mark is cleared unseen. The
 * fold must take the same row lock (it updates the row's baskets and `latest`) before it
 * writes pairs and marks, or a mark added while a chunk runs could be cleared by it.
 * A chunk that changed served lists bumps the site's `products` change token, so a cache
 * of the pull body kept by that token (server/postgres/DESIGN.md) sees the refresh too,
 * not only the fold that marked the lists.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { pairScore } from '../../src/recommend/cooccurrence';
import { rankPartners, type Kind, type Partner } from '../../src/recommend/cooccurrence-state';
import type { CoocSettings } from '../cooc/options';
import { REFRESH_CHUNK, type CoocRefresher } from '../cooc/refresh';
import { num, numOrNull, type Pool } from './read-snapshot';

const C = 'COLLATE "C"';
// Orders as SQLite's primary keys and index, so a chunk takes the same marks in the same order.
const SQL = {
  lockSite: 'SELECT lists FROM cooc_sites WHERE site = $1 FOR UPDATE',
  dirty: `SELECT kind, product FROM cooc_dirty WHERE site = $1 ORDER BY kind ${C}, product ${C} LIMIT $2`,
  clean: 'DELETE FROM cooc_dirty WHERE site = $1 AND kind = $2 AND product = $3',
  listedBy: `SELECT product FROM cooc_top WHERE site = $1 AND kind = $2 AND other = $3 ORDER BY product ${C}`,
  productOf: 'SELECT baskets, cutoff FROM cooc_products WHERE site = $1 AND kind = $2 AND product = $3',
  pairOf: 'SELECT weight, count FROM cooc_pairs WHERE site = $1 AND kind = $2 AND product = $3 AND other = $4',
  partners: `SELECT p.other AS other, p.weight AS weight, p.count AS count, coalesce(b.baskets, 0) AS baskets
    FROM cooc_pairs p LEFT JOIN cooc_products b ON b.site = p.site AND b.kind = p.kind AND b.product = p.other
    WHERE p.site = $1 AND p.kind = $2 AND p.product = $3 ORDER BY p.other ${C}`,
  setCutoff: 'UPDATE cooc_products SET cutoff = $1 WHERE site = $2 AND kind = $3 AND product = $4',
  dropList: 'DELETE FROM cooc_top WHERE site = $1 AND kind = $2 AND product = $3',
  addEntries: 'INSERT INTO cooc_top (site, kind, product, other, score) SELECT $1, $2, $3, * FROM unnest($4::text[], $5::float8[])',
  setScore: 'UPDATE cooc_top SET score = $1 WHERE site = $2 AND kind = $3 AND product = $4 AND other = $5',
  bumpLists: 'UPDATE cooc_sites SET lists = lists + 1 WHERE site = $1 RETURNING lists',
  stamp: 'UPDATE cooc_products SET listed = $1 WHERE site = $2 AND kind = $3 AND product = ANY($4::text[])',
  // Served lists changed: a collector's cached pull body, kept by this token, is stale.
  bumpToken: `INSERT INTO change_tokens (site, subject, token) VALUES ($1, 'products', 1)
    ON CONFLICT (site, subject) DO UPDATE SET token = change_tokens.token + 1`,
} as const;

type Name = keyof typeof SQL;

/** Creates the refresher over a pool; one refresh per site at a time in this process, and chunks serialised per site across processes. */
export function createPostgresRefresher(pool: Pool, { scoring }: Pick<CoocSettings, 'scoring'>): CoocRefresher {
  const top = Math.floor(scoring.top);
  const scoreOf = (weight: number, count: number, ni: number, nj: number) => pairScore(weight, count, ni, nj, 1, scoring);

  const chunk = async (site: string, limit: number): Promise<number> => {
    const client = await pool.connect();
    const q = (name: Name, values: unknown[]) => client.query({ name: `attune_refresh_${name}`, text: SQL[name], values });
    const productOf = async (kind: Kind, product: string) => {
      const row = (await q('productOf', [site, kind, product])).rows[0];
      return row && { baskets: num(row.baskets), cutoff: numOrNull(row.cutoff) };
    };
    const recompute = async (kind: Kind, product: string) => {
      const baskets = (await productOf(kind, product))?.baskets ?? 0;
      const partners = (await q('partners', [site, kind, product])).rows.map((r): Partner => ({ other: r.other, weight: r.weight, count: num(r.count), baskets: num(r.baskets) }));
      // One more than served: the best left out is the bound later updates are checked against.
      const ranked = rankPartners(baskets, partners, 1, { ...scoring, top: top + 1 });
      await q('dropList', [site, kind, product]);
      const kept = ranked.slice(0, top);
      if (kept.length) await q('addEntries', [site, kind, product, kept.map(([other]) => other), kept.map(([, score]) => score)]);
      await q('setCutoff', [ranked.length > top ? ranked[top][1] : null, site, kind, product]);
    };
    try {
      await client.query('BEGIN');
      // The site's row lock: chunks of one site, from any collector, run one after another.
      if ((await q('lockSite', [site])).rows.length === 0) {
        await client.query('COMMIT');
        return 0;
      }
      const marked = (await q('dirty', [site, limit])).rows as { kind: Kind; product: string }[];
      const done = new Set<string>();
      const touched = new Map<string, { kind: Kind; product: string }>();
      for (const { kind, product } of marked) {
        await recompute(kind, product);
        done.add(`${kind}\0${product}`);
        touched.set(`${kind}\0${product}`, { kind, product });
      }
      for (const { kind, product } of marked) {
        const baskets = (await productOf(kind, product))?.baskets ?? 0;
        for (const { product: list } of (await q('listedBy', [site, kind, product])).rows as { product: string }[]) {
          if (done.has(`${kind}\0${list}`)) continue;
          touched.set(`${kind}\0${list}`, { kind, product: list });
          const owner = await productOf(kind, list);
          const pairRow = (await q('pairOf', [site, kind, list, product])).rows[0];
          const pair = pairRow && { weight: pairRow.weight as number, count: num(pairRow.count) };
          const score = owner && pair ? scoreOf(pair.weight, pair.count, owner.baskets, baskets) : -Infinity;
          if (owner && pair && (owner.cutoff === null || score > owner.cutoff)) await q('setScore', [score, site, kind, list, product]);
          else {
            await recompute(kind, list);
            done.add(`${kind}\0${list}`);
          }
        }
      }
      for (const m of marked) await q('clean', [site, m.kind, m.product]);
      if (touched.size) {
        const lists = num((await q('bumpLists', [site])).rows[0].lists);
        for (const kind of ['view', 'buy'] as const) {
          const products = [...touched.values()].filter((t) => t.kind === kind).map((t) => t.product);
          if (products.length) await q('stamp', [lists, site, kind, products]);
        }
        await q('bumpToken', [site]);
      }
      await client.query('COMMIT');
      return marked.length;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };

  const running = new Map<string, Promise<void>>();
  const run = async (site: string) => {
    // Ends right after a chunk that found fewer marks than it may take (see refresh.ts).
    while ((await chunk(site, REFRESH_CHUNK)) === REFRESH_CHUNK) await nextTurn();
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
