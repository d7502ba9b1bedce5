/**
 * Random draws for the bandit, built only on a uniform source so that tests and
 * simulations can be made repeatable by passing a seeded one.
 */

/** A source of uniform numbers in [0, 1), such as `Math.random`. */
export type Random = () => number;

/**
 * A small, fast seeded PRNG (Mulberry32, 32-bit state). Good enough for simulations
 * and tests; not for anything that must be unpredictable.
 */
export function mulberry32(seed: number): Random {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Standard normal by Box–Muller; 1 - u keeps the logarithm finite.
const normal = (random: Random) =>
  Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

/**
 * A draw from Gamma(shape, 1) by Marsaglia and Tsang's method. For shape < 1 it
 * draws Gamma(shape + 1) and scales by U^(1/shape), the standard boost. A shape
 * that is not positive gives 0.
 */
export function gammaSample(shape: number, random: Random): number {
  if (!(shape > 0)) return 0;
  if (shape < 1) return gammaSample(shape + 1, random) * Math.pow(random(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  // Acceptance is above 95 % per try; the cap only guards against a broken `random`.
  for (let i = 0; i < 100; i++) {
    const x = normal(random);
    const v = (1 + c * x) ** 3;
    if (v > 0 && Math.log(random()) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
  return d;
}

/**
 * A draw from Beta(a, b) as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b). Shapes
 * must be positive; a sum that underflows to 0 (tiny shapes) yields the mean.
 */
export function betaSample(a: number, b: number, random: Random): number {
  const x = gammaSample(a, random);
  const s = x + gammaSample(b, random);
  return s > 0 ? x / s : a / (a + b);
}
