/**
 * The two tables computed from a site's whole interaction history, `/v1/cooccurrence`
 * and `/v1/popular`, serialised with their ETags. Pure: the rebuild worker runs it,
 * and anything that wants the same bytes (a test, a batch job) can call it.
 */
import { cooccurrence, type CooccurrenceOptions, type Interaction } from '../src/recommend/cooccurrence';
import type { InteractionRow } from './event-store';
import { popularResponse } from './popular-cache';
import { etagOf } from './respond';

/** A computed response, serialised, with its ETag. */
export interface CachedTable {
  body: string;
  etag: string;
}

/** A site's pull tables. */
export interface Tables {
  cooccurrence: CachedTable;
  popular: CachedTable;
}

const cached = (value: unknown): CachedTable => {
  const body = JSON.stringify(value);
  return { body, etag: etagOf(body) };
};

/** A row as read from the store, as the shared recommendation code takes it. */
export const toInteraction = ([kind, productId, visitor, time, order]: InteractionRow): Interaction =>
  order === null ? { kind, productId, visitor, time } : { kind, productId, visitor, time, order };

/**
 * Both tables of `site` from all its interactions: co-occurrence with `options`, and
 * popularity decaying from the latest interaction, or `now` if that is earlier.
 */
export function buildTables(site: string, interactions: readonly Interaction[], options: CooccurrenceOptions, now: number): Tables {
  return { cooccurrence: cached(cooccurrence(interactions, options)), popular: cached(popularResponse(site, interactions, now)) };
}
