/**
 * The regularised incomplete gamma functions P(a, x) and Q(a, x) = 1 − P(a, x), and the
 * chi-square survival function built on Q.
 */
import { logGamma } from './log-gamma';

const EPSILON = 1e-16;
const TINY = 1e-300;
const MAX_TERMS = 100_000;

// x^a e^−x / Γ(a), in logs: the factor both expansions share.
function front(a: number, x: number): number {
  return Math.exp(a * Math.log(x) - x - logGamma(a));
}

// P(a, x) by its power series Σ x^n / (a (a+1) … (a+n)), which converges fast for x < a + 1
// (Numerical Recipes §6.2).
function lowerSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n <= MAX_TERMS; n++) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPSILON) break;
  }
  return sum * front(a, x);
}

// Q(a, x) by its continued fraction, evaluated with the modified Lentz method, which converges
// fast for x ≥ a + 1 (Numerical Recipes §6.2).
function upperFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i <= MAX_TERMS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPSILON) break;
  }
  return h * front(a, x);
}

/**
 * P(a, x) = γ(a, x) / Γ(a), the regularised lower incomplete gamma function, for a > 0 and
 * x ≥ 0 (NaN otherwise): the CDF at x of a Gamma(a, 1) variable. Relative accuracy ~1e-14.
 */
export function gammaP(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return NaN;
  if (x === 0) return 0;
  if (x === Infinity) return 1;
  return x < a + 1 ? lowerSeries(a, x) : 1 - upperFraction(a, x);
}

/**
 * Q(a, x) = Γ(a, x) / Γ(a) = 1 − P(a, x), the regularised upper incomplete gamma function,
 * for a > 0 and x ≥ 0 (NaN otherwise). Computed directly in the upper tail, so tiny values
 * keep their relative accuracy (~1e-14) until they underflow below ~1e-308.
 */
export function gammaQ(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return NaN;
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  return x < a + 1 ? 1 - lowerSeries(a, x) : upperFraction(a, x);
}

/**
 * P(X > x) for X chi-square with `degreesOfFreedom` > 0: Q(k/2, x/2). 1 for x ≤ 0; NaN for
 * invalid degrees of freedom.
 *
 * @example chiSquareSurvival(3.841458820694124, 1) // ≈ 0.05
 */
export function chiSquareSurvival(x: number, degreesOfFreedom: number): number {
  if (!(degreesOfFreedom > 0) || Number.isNaN(x)) return NaN;
  if (x <= 0) return 1;
  return gammaQ(degreesOfFreedom / 2, x / 2);
}
