/**
 * The Beta distribution's quantile function (inverse CDF): the x with
 * P(X ≤ x) = p for X ~ Beta(a, b). Used for credible intervals of conversion rates.
 */
import { betaCdf } from './beta-cdf';
import { logBeta } from './log-gamma';

const MAX_STEPS = 300;
// A few ulps: where the density is huge (near 0 or 1 with shapes in the millions) a looser
// stop in x would still leave a visible error in probability.
const RELATIVE_TOLERANCE = 4 * Number.EPSILON;

// A starting point close enough that Halley's method usually converges in a few steps
// (Numerical Recipes §6.14): a normal approximation when both shapes are ≥ 1, otherwise
// inversion of the power-law tails, which dominate when a shape is below 1.
function firstGuess(p: number, a: number, b: number): number {
  if (a >= 1 && b >= 1) {
    const pp = p < 0.5 ? p : 1 - p;
    const t = Math.sqrt(-2 * Math.log(pp));
    let z = (2.30753 + t * 0.27061) / (1 + t * (0.99229 + t * 0.04481)) - t;
    if (p < 0.5) z = -z;
    const al = (z * z - 3) / 6;
    const h = 2 / (1 / (2 * a - 1) + 1 / (2 * b - 1));
    const w = (z * Math.sqrt(al + h)) / h - (1 / (2 * b - 1) - 1 / (2 * a - 1)) * (al + 5 / 6 - 2 / (3 * h));
    return a / (a + b * Math.exp(2 * w));
  }
  const lna = Math.log(a / (a + b));
  const lnb = Math.log(b / (a + b));
  const t = Math.exp(a * lna) / a;
  const u = Math.exp(b * lnb) / b;
  const w = t + u;
  return p < t / w ? Math.pow(a * w * p, 1 / a) : 1 - Math.pow(b * w * (1 - p), 1 / b);
}

/**
 * The p-quantile of Beta(a, b), with a, b > 0 and p in [0, 1]: 0 and 1 at the ends,
 * NaN for invalid arguments. Halley's method on the CDF inside a shrinking bracket,
 * falling back to bisection whenever a step would leave it, so it always converges
 * (to a few ulps) even where the density is steep or flat.
 *
 * @example betaQuantile(0.975, 1 + 30, 1 + 970) // upper end of a 95 % interval for 30/1000
 */
export function betaQuantile(p: number, a: number, b: number): number {
  if (!(a > 0 && b > 0) || !(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return 0;
  if (p === 1) return 1;
  const logNorm = logBeta(a, b);
  let lo = 0;
  let hi = 1;
  let x = firstGuess(p, a, b);
  if (!(x > 0 && x < 1)) x = 0.5;
  for (let step = 0; step < MAX_STEPS; step++) {
    const error = betaCdf(x, a, b) - p;
    if (error === 0) return x;
    // The CDF rises with x, so the sign of the error says which side the root is on.
    if (error < 0) lo = x;
    else hi = x;
    const density = Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - logNorm);
    const newton = error / density;
    // Halley's correction uses the density's log-derivative, (a−1)/x − (b−1)/(1−x). Where
    // that is steep (huge shapes) it could shrink the step to nothing far from the root and
    // fake convergence, so it may at most halve the Newton step.
    const curvature = newton * ((a - 1) / x - (b - 1) / (1 - x));
    let next = x - newton / Math.min(2, 1 - 0.5 * Math.min(1, curvature));
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - x) <= RELATIVE_TOLERANCE * next || hi - lo <= RELATIVE_TOLERANCE * lo) return next;
    x = next;
  }
  return x;
}
