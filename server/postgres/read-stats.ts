/**
 * `/v1/stats` and the caches' change tokens on PostgreSQL: the same rows, in the same
 * order, as SQLite's `EventStore.variantTotals` (server/event-store.ts).
 */
import type { VariantTotals } from '../event-store';
import { num, type Pool } from './read-snapshot';

/** What a change token says has changed (`change_tokens.subject`, bumped by the fold). */
export type TokenSubject = 'stats' | 'products' | 'report';

/** The statistics reads. */
export interface StatsReads {
  /** Every variant's totals for a site, ordered by placement, segment, variant (bytes, as SQLite). */
  variantTotals(site: string): Promise<VariantTotals[]>;
  /** The site's token for `subject`: 0 until the fold first bumps it; it only grows. */
  changeToken(site: string, subject: TokenSubject): Promise<number>;
}

// COLLATE "C": SQLite orders TEXT by its bytes; a database created with another locale would not.
const VARIANTS = `SELECT placement, variant, segment, impressions, conversions FROM variant_stats
  WHERE site = $1 ORDER BY placement COLLATE "C", segment COLLATE "C", variant COLLATE "C"`;
const TOKEN = 'SELECT token FROM change_tokens WHERE site = $1 AND subject = $2';

/**
 * Creates the reads. `settle` runs before totals are read (the collector passes the drain of
 * the fold queue, so every acknowledged batch is counted, as SQLite's `settleFold`).
 */
export function createStatsReads(pool: Pool, settle: () => Promise<void> = async () => undefined): StatsReads {
  return {
    async variantTotals(site) {
      await settle();
      const { rows } = await pool.query({ name: 'attune_variant_totals', text: VARIANTS, values: [site] });
      return rows.map((r) => ({ placement: r.placement, variant: r.variant, segment: r.segment, impressions: num(r.impressions), conversions: num(r.conversions) }));
    },
    async changeToken(site, subject) {
      const { rows } = await pool.query({ name: 'attune_change_token', text: TOKEN, values: [site, subject] });
      return rows.length ? num(rows[0].token) : 0;
    },
  };
}

/**
 * A token reader that asks the database at most once per `memoMs` per (site, subject): a
 * pull's cache check then costs a primary-key lookup per interval, not per request
 * (server/postgres/DESIGN.md, "Change tokens in the database").
 */
export function memoisedTokens(read: StatsReads['changeToken'], memoMs: number, clock: () => number = Date.now): StatsReads['changeToken'] {
  const held = new Map<string, { at: number; token: Promise<number> }>();
  return (site, subject) => {
    const key = `${subject}\0${site}`;
    const now = clock();
    const hit = held.get(key);
    if (hit && now - hit.at < memoMs) return hit.token;
    const token = read(site, subject);
    held.set(key, { at: now, token });
    // A failed read is not remembered: the next pull asks again.
    token.catch(() => held.get(key)?.token === token && held.delete(key));
    return token;
  };
}
