/**
 * Bandit statistics in the engine's shape, from whatever the backend sent: the
 * collector's `/v1/stats` body (a list of rows, `segment: null` for visitors in no
 * segment) or the config's own `stats` map. Counts come from the network, so anything
 * that is not a whole number ≥ 0 is left out.
 */
import type { ArmCounts, BanditStats } from './config-types';

/** One row of the collector's `/v1/stats` response. */
export interface StatsRow {
  placement: string;
  variant: string;
  /** null: visitors in no segment, counted under `*`. */
  segment: string | null;
  impressions: number;
  conversions: number;
}

const count = (x: unknown) => (Number.isInteger(x) && (x as number) >= 0 ? (x as number) : 0);
const name = (x: unknown) => (typeof x == 'string' && x ? x : '');

/** Adds `impressions` and `conversions` to one arm of `stats`, creating the path as needed. */
export function addCounts(stats: BanditStats, placement: string, segment: string | null, variant: string, counts: Partial<ArmCounts>): void {
  const bySegment = (stats[placement] ||= Object.create(null));
  const byVariant = (bySegment[segment ?? '*'] ||= Object.create(null));
  const arm = (byVariant[variant] ||= { impressions: 0, conversions: 0 });
  arm.impressions += count(counts.impressions);
  arm.conversions += count(counts.conversions);
}

/**
 * Reads statistics in either shape into a fresh, prototype-free {@link BanditStats}.
 * Anything else gives an empty map.
 *
 * @example toBanditStats(await (await fetch('/v1/stats?site=shop')).json())
 */
export function toBanditStats(body: unknown): BanditStats {
  const stats: BanditStats = Object.create(null);
  const rows = body && typeof body == 'object' ? (body as { variants?: unknown }).variants : undefined;
  if (Array.isArray(rows)) {
    for (const row of rows as Partial<StatsRow>[])
      if (row && name(row.placement) && name(row.variant))
        addCounts(stats, row.placement!, name(row.segment) || null, row.variant!, row);
  } else if (body && typeof body == 'object') {
    for (const [placement, bySegment] of Object.entries(body))
      if (bySegment && typeof bySegment == 'object')
        for (const [segment, byVariant] of Object.entries(bySegment))
          if (byVariant && typeof byVariant == 'object')
            for (const [variant, counts] of Object.entries(byVariant))
              if (counts && typeof counts == 'object') addCounts(stats, placement, segment, variant, counts);
  }
  return stats;
}
