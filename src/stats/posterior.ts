/**
 * A variant's counts and the Beta posterior of its conversion rate, the one model
 * behind the Bayesian figures (intervals, probability to be best, expected loss, lift).
 */

/** What the collector counts for one variant: distinct visitors and how many of them converted. */
export interface VariantCounts {
  /** Distinct visitors exposed to the variant. */
  visitors: number;
  /** Visitors who converted at least once (≤ visitors). */
  conversions: number;
}

/**
 * Counts may come from untrusted clients or stale sums: non-finite or negative counts read as
 * 0, fractions are floored, and conversions are capped at visitors, so that both Beta shapes
 * stay ≥ 1 (the same rule as the bandit's posterior in src/decide/bandit.ts).
 */
export function cleanCounts(conversions: number, visitors: number): [conversions: number, visitors: number] {
  const n = Number.isFinite(visitors) && visitors > 0 ? Math.floor(visitors) : 0;
  const c = Number.isFinite(conversions) && conversions > 0 ? Math.min(Math.floor(conversions), n) : 0;
  return [c, n];
}

/**
 * The shapes (a, b) of the posterior Beta(1 + conversions, 1 + visitors − conversions): a
 * uniform Beta(1, 1) prior on the rate, updated by independent Bernoulli visitors. Counts are
 * cleaned as by {@link cleanCounts}, so a, b ≥ 1.
 */
export function betaPosterior(counts: VariantCounts): [a: number, b: number] {
  const [c, n] = cleanCounts(counts.conversions, counts.visitors);
  return [1 + c, 1 + n - c];
}
