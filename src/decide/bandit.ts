/**
 * Thompson sampling over Beta posteriors: each arm's conversion rate is believed
 * to be Beta(1 + conversions, 1 + impressions - conversions) (a uniform prior
 * updated by the counts), and an arm is shown as often as it is likely to be best.
 * Counts come from the backend's aggregate over all visitors plus this browser's
 * unsynced observations; keeping them per segment is the caller's choice.
 */
import { betaSample, type Random } from './random';

export { betaSample, gammaSample, mulberry32, type Random } from './random';

/** One arm's totals. */
export interface ArmStats {
  id: string;
  impressions: number;
  conversions: number;
}

/** A Thompson choice: the winning arm's id (null when there are no arms) and every draw, in arm order, for `explain()`. */
export interface ThompsonChoice {
  id: string | null;
  draws: number[];
}

/** Options of {@link banditWeights}. */
export interface BanditWeightOptions {
  /** Monte Carlo rounds (default 1000); more is smoother and slower. */
  draws?: number;
  /** Uniform source (default `Math.random`); pass a seeded one to repeat a result. */
  random?: Random;
  /** Least weight any arm keeps so that it is still explored (default 0.01). */
  floor?: number;
}

// Counts from the network are untrusted: NaN, negative or infinite counts read as 0,
// and conversions are capped at impressions, so the Beta shapes are always >= 1.
function posterior(arm: ArmStats): [number, number] {
  const n = Number.isFinite(arm.impressions) && arm.impressions > 0 ? arm.impressions : 0;
  const c = arm.conversions > 0 ? Math.min(arm.conversions, n) : 0;
  return [1 + c, 1 + n - c];
}

// Draws once per arm into `out` and returns the index of the highest draw (-1 if none).
function drawBest(shapes: [number, number][], random: Random, out: number[]): number {
  let best = -1;
  shapes.forEach(([a, b], i) => {
    out[i] = betaSample(a, b, random);
    if (best < 0 || out[i] > out[best]) best = i;
  });
  return best;
}

/**
 * Chooses an arm by Thompson sampling: one draw from each arm's posterior, the
 * highest wins (the first, on a tie).
 *
 * @example thompsonChoose([{ id: 'a', impressions: 120, conversions: 4 }, …], Math.random).id
 */
export function thompsonChoose(arms: readonly ArmStats[], random: Random): ThompsonChoice {
  const draws: number[] = [];
  const best = drawBest(arms.map(posterior), random, draws);
  return { id: best < 0 ? null : arms[best].id, draws };
}

/**
 * Each arm's probability of being the best, estimated by Monte Carlo, as traffic
 * weights in arm order that sum to 1: `floor + (1 - arms × floor) × P(best)`, so
 * every arm keeps at least `floor` (which is lowered to 1/arms when there are
 * more arms than 1/floor). Suits a server that refreshes weights in batches and
 * buckets visitors with `chooseByWeights` (hash.ts).
 */
export function banditWeights(
  arms: readonly ArmStats[],
  { draws = 1000, random = Math.random, floor = 0.01 }: BanditWeightOptions = {},
): number[] {
  const k = arms.length;
  const n = draws >= 1 ? Math.floor(draws) : 1;
  const shapes = arms.map(posterior);
  const wins: number[] = arms.map(() => 0);
  const scratch: number[] = [];
  for (let t = 0; k && t < n; t++) wins[drawBest(shapes, random, scratch)]++;
  const f = floor > 0 ? Math.min(floor, 1 / k) : 0;
  return wins.map((w) => f + (1 - k * f) * (w / n));
}
