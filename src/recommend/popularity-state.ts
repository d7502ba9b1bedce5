/**
 * Popularity kept incrementally: per product a decayed score anchored at its latest
 * interaction's time, s ← s·2^(−(t − anchor)/h) + weight, which is what `popularity()`
 * sums over the whole history, in any order of arrival (an older interaction is added
 * decayed to the anchor instead). A pull decays each score to its present.
 *
 * Exact w.r.t. `popularity()` (test/recommend/popularity-state.test.ts) but for one
 * case: `popularity()` weighs an interaction later than its present undecayed. Here a
 * product whose latest interaction is later than the present (a browser's clock ahead
 * of the collector's, at most 48 hours) is taken at that latest time instead.
 */
import type { Counts } from './popularity';

/** A product's score for one half-life. */
export interface DecayedScore {
  /** Milliseconds since the epoch the score is decayed to: the latest interaction's time. */
  anchor: number;
  score: number;
}

/** The decay rate per ms of a half-life in days, as `popularity()` takes it (0: no decay). */
export const decayRate = (halfLifeDays: number | undefined): number =>
  halfLifeDays && halfLifeDays > 0 && isFinite(halfLifeDays) ? Math.LN2 / (halfLifeDays * 864e5) : 0;

/** The score with one more interaction of `weight` at `time`. */
export function addDecayed(held: DecayedScore | undefined, time: number, weight: number, rate: number): DecayedScore {
  if (!held) return { anchor: time, score: weight };
  if (time >= held.anchor) return { anchor: time, score: held.score * Math.exp(-rate * (time - held.anchor)) + weight };
  return { anchor: held.anchor, score: held.score + weight * Math.exp(-rate * (held.anchor - time)) };
}

/** The score decayed to `present` (or as it is, when its anchor is later). */
export const decayedAt = (held: DecayedScore, present: number, rate: number): number =>
  present >= held.anchor ? held.score * Math.exp(-rate * (present - held.anchor)) : held.score;

/** Scores per product as `popularity()` prints them: four significant digits, keys sorted. */
export function countsOf(scores: Iterable<[product: string, score: number]>): Counts {
  const all = [...scores].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  // Prototype-free: a product id "__proto__" is just another key.
  const counts: Counts = Object.create(null);
  for (const [id, score] of all) counts[id] = +score.toPrecision(4);
  return counts;
}
