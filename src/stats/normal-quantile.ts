/**
 * Quantiles of the standard normal and Student's t distributions, for intervals and sample
 * sizes.
 */
import { betaQuantile } from './beta-quantile';
import { gammaP, gammaQ } from './incomplete-gamma';

// P(Z > z) − q for q ≤ ½, with P(Z > z) = ½ Q(½, z²/2) = ½ − ½ P(½, z²/2) for z ≥ 0 (and
// ½ + ½ P(½, z²/2) below 0). Near the centre (q ≥ ¼, where z is small and may start just
// below 0) the P form is used, with ½ − q exact, so the difference keeps its digits.
function tailError(z: number, q: number): number {
  return q >= 0.25 ? 0.5 - q - 0.5 * Math.sign(z) * gammaP(0.5, (z * z) / 2) : 0.5 * gammaQ(0.5, (z * z) / 2) - q;
}

/**
 * The p-quantile of the standard normal distribution for p in (0, 1) (−∞ and ∞ at the ends,
 * NaN outside): Abramowitz & Stegun 26.2.23 as a first guess (error < 4.5e-4), then Halley
 * steps on the exact tail P(Z > z) = ½ Q(½, z²/2) until they stop moving (~1e-15 relative).
 *
 * @example normalQuantile(0.975) // 1.959963984540054
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  // Work in the smaller tail q = P(Z > |z|) and restore the sign at the end.
  const q = p < 0.5 ? p : 1 - p;
  const t = Math.sqrt(-2 * Math.log(q));
  let z = t - (2.515517 + t * (0.802853 + t * 0.010328)) / (1 + t * (1.432788 + t * (0.189269 + t * 0.001308)));
  for (let step = 0; step < 20; step++) {
    const density = Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
    if (!(density > 0)) break;
    // Solve upperTail(z) = q: f = tail − q, f' = −φ, f'' = zφ.
    const newton = tailError(z, q) / density;
    const next = z + newton / (1 - 0.5 * z * newton);
    if (Math.abs(next - z) <= 1e-15 * Math.abs(next)) {
      z = next;
      break;
    }
    z = next;
  }
  return p < 0.5 ? -z : z;
}

/**
 * The p-quantile of Student's t distribution with `degreesOfFreedom` > 0 (may be fractional, as
 * Welch's are; Infinity gives the normal quantile), through the Beta distribution:
 * P(|T| > t) = I_{ν/(ν+t²)}(ν/2, ½), inverted with betaQuantile. From ν = 1e5 on, the
 * Cornish–Fisher expansion z + (z³ + z)/(4ν) + (5z⁵ + 16z³ + 3z)/(96ν²) (error O(ν⁻³)) is used
 * instead, where the Beta inversion would lose digits.
 *
 * @example studentTQuantile(0.975, 10) // ≈ 2.2281388519863
 */
export function studentTQuantile(p: number, degreesOfFreedom: number): number {
  const nu = degreesOfFreedom;
  if (!(p >= 0 && p <= 1) || !(nu > 0)) return NaN;
  if (nu === Infinity) return normalQuantile(p);
  if (p === 0.5) return 0;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (nu >= 1e5) {
    const z = normalQuantile(p);
    const z2 = z * z;
    return z + (z * (z2 + 1)) / (4 * nu) + (z * (z2 * (5 * z2 + 16) + 3)) / (96 * nu * nu);
  }
  const twoTail = 2 * (p < 0.5 ? p : 1 - p);
  // y = t² / (ν + t²) has the Beta(½, ν/2) distribution; read whichever of y and 1 − y is
  // smaller directly, so that t keeps its precision for small and for huge ν.
  const y = betaQuantile(1 - twoTail, 0.5, nu / 2);
  let t: number;
  if (y < 0.5) t = Math.sqrt((nu * y) / (1 - y));
  else {
    const x = betaQuantile(twoTail, nu / 2, 0.5);
    t = Math.sqrt((nu * (1 - x)) / x);
  }
  return p < 0.5 ? -t : t;
}
