/**
 * The Beta distribution's cumulative distribution function, I_x(a, b) (the
 * regularised incomplete beta function), evaluated by its continued fraction.
 */
import { logBeta } from './log-gamma';

const EPSILON = 1e-15;
const TINY = 1e-300;
// The continued fraction needs about sqrt(max(a, b)) terms; this allows shapes in the
// hundreds of millions (a placement's impressions) with room to spare.
const MAX_TERMS = 100_000;

// Modified Lentz evaluation of the continued fraction for I_x(a, b) (Numerical Recipes
// §6.4), which converges quickly for x < (a + 1) / (a + b + 2).
function continuedFraction(x: number, a: number, b: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= MAX_TERMS; m++) {
    const m2 = 2 * m;
    // Even step.
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    // Odd step.
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPSILON) break;
  }
  return h;
}

/**
 * P(X ≤ x) for X ~ Beta(a, b), with a, b > 0. Clamps x to [0, 1]; returns NaN for
 * shapes that are not positive.
 *
 * @example betaCdf(0.5, 2, 2) // 0.5
 */
export function betaCdf(x: number, a: number, b: number): number {
  if (!(a > 0 && b > 0) || Number.isNaN(x)) return NaN;
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  // x^a (1 - x)^b / (a B(a, b)), in logs so large shapes do not underflow early.
  const front = Math.exp(a * Math.log(x) + b * Math.log1p(-x) - logBeta(a, b));
  // The fraction converges fast only left of the mean-ish point; use the symmetry
  // I_x(a, b) = 1 − I_{1−x}(b, a) on the other side.
  if (x < (a + 1) / (a + b + 2)) return (front * continuedFraction(x, a, b)) / a;
  return 1 - (front * continuedFraction(1 - x, b, a)) / b;
}
