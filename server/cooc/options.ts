/**
 * The options co-occurrence and popularity are kept with, and which of them the stored
 * state depends on (a change needs the raw history again) or only the served lists (a
 * change recomputes the lists from the stored pairs).
 */
import { resolveOptions, type CooccurrenceOptions, type Scoring } from '../../src/recommend/cooccurrence';
import type { BasketOptions } from '../../src/recommend/cooccurrence-state';
import { decayRate } from '../../src/recommend/popularity-state';
import { POPULAR_HALF_LIFE_DAYS } from '../popular-cache';
import type { PopularRates } from './store';

/** Resolved options of one collector. */
export interface CoocSettings {
  baskets: BasketOptions;
  scoring: Scoring;
  rates: PopularRates;
  /** What is stored beside a site's state, to notice a change at the next start. */
  key: string;
}

/** A view weighs 1 and a purchase 5, as `popularity()`'s defaults. */
export const POPULAR_WEIGHTS = Object.freeze({ view: 1, buy: 5 });

/** Resolves `cooccurrence()`'s options into the parts the state and the lists depend on. */
export function coocSettings(options: CooccurrenceOptions): CoocSettings {
  const { sessionGapMs, maxBasket, proximity, ...scoring } = resolveOptions(options);
  const baskets = { sessionGapMs, maxBasket, proximity };
  const rates = { counts: decayRate(POPULAR_HALF_LIFE_DAYS.counts), trending: decayRate(POPULAR_HALF_LIFE_DAYS.trending) };
  return { baskets, scoring: { ...scoring, proximity }, rates, key: JSON.stringify({ baskets, scoring, halfLifeDays: POPULAR_HALF_LIFE_DAYS }) };
}

/** What a stored key says about the state: the same, only the lists differ, or the state itself. */
export function compareKey(stored: string, settings: CoocSettings): 'same' | 'lists' | 'state' {
  if (stored === settings.key) return 'same';
  try {
    const { baskets, halfLifeDays } = JSON.parse(stored) as { baskets?: unknown; halfLifeDays?: unknown };
    const now = JSON.parse(settings.key) as { baskets: unknown; halfLifeDays: unknown };
    return JSON.stringify(baskets) === JSON.stringify(now.baskets) && JSON.stringify(halfLifeDays) === JSON.stringify(now.halfLifeDays) ? 'lists' : 'state';
  } catch {
    return 'state';
  }
}
