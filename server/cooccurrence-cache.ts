/**
 * The co-occurrence settings the collector serves `/v1/cooccurrence` with. The table
 * is kept at ingest (server/cooc/), equal to what the shared `cooccurrence()` computes, and
 * cached per site (site-cache.ts).
 */
import type { CooccurrenceOptions } from '../src/recommend/cooccurrence';

/**
 * What the collector serves by default: cosine with shrinkage 5, proximity 0.9 and
 * 20 neighbours per list, the settings "for you" and "bought together" rank best
 * with offline (bench/recs-lib/README.md: HR@10 0.214 / 0.296 against 0.176 / 0.224
 * for plain counts on Online Retail). Scores lie between 0 and 1.
 */
export const COLLECTOR_COOCCURRENCE: Readonly<CooccurrenceOptions> = Object.freeze({ score: 'cosine', shrink: 5, proximity: 0.9, top: 20 });
