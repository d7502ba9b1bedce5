/**
 * Popularity per site for `GET /v1/popular`: decayed view and purchase counts over
 * every visitor, a long half-life for "popular" and a short one for "trending".
 * Kept at ingest (server/cooc/) and cached per site (site-cache.ts).
 */
import type { Interaction } from '../src/recommend/cooccurrence';
import { popularity, type Counts } from '../src/recommend/popularity';

/** The body of `GET /v1/popular`: what `popular()` and `trending()` take as `counts` and `trending`. */
export interface PopularResponse {
  site: string;
  /** The instant the weights decay from (ISO 8601): the latest interaction's time, or now if that is later; null without interactions. */
  asOf: string | null;
  /** The half-lives used, in days. */
  halfLifeDays: { counts: number; trending: number };
  /** Per product, Σ weight × ½^(age / 30 days); a view weighs 1, a purchase 5. Keys sorted. */
  counts: Counts;
  /** The same with a 2-day half-life: what is gaining attention now. */
  trending: Counts;
}

/** Half-lives of `counts` (popular) and `trending`, in days, as `popularity()`'s documentation suggests. */
export const POPULAR_HALF_LIFE_DAYS = Object.freeze({ counts: 30, trending: 2 });

/**
 * A site's popularity response. The weights decay from the latest interaction's time
 * rather than the clock, so the body (and its ETag) only changes when events arrive,
 * and the ranking is the same either way: decaying everything by one more day
 * multiplies every count by the same factor. A browser whose clock runs ahead cannot
 * push that instant past the server's clock, `now`.
 */
export function popularResponse(site: string, interactions: readonly Interaction[], now: number): PopularResponse {
  let latest = -Infinity;
  for (const i of interactions) if (i.time > latest) latest = i.time;
  const asOf = Math.min(latest, now);
  const { counts: long, trending: short } = POPULAR_HALF_LIFE_DAYS;
  return {
    site,
    asOf: interactions.length ? new Date(asOf).toISOString() : null,
    halfLifeDays: { counts: long, trending: short },
    counts: popularity(interactions, { now: asOf, halfLifeDays: long }),
    trending: popularity(interactions, { now: asOf, halfLifeDays: short }),
  };
}
