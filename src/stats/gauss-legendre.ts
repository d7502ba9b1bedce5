/**
 * Gauss–Legendre quadrature on [−1, 1], with the extras the Beta grids need: the
 * partial integrals from −1 to each node (to tabulate a CDF inside a panel) and
 * barycentric weights (to interpolate it between nodes).
 */

/** An n-point Gauss–Legendre rule on [−1, 1] and its derived tables. */
export interface GaussRule {
  /** Number of nodes. */
  n: number;
  /** The nodes, ascending, inside (−1, 1). */
  nodes: Float64Array;
  /** The weights: ∫₋₁¹ g ≈ Σ weights[q] g(nodes[q]), exact for polynomials of degree ≤ 2n − 1. */
  weights: Float64Array;
  /**
   * `partial[m * n + l]` = ∫₋₁^{nodes[m]} ℓ_l(t) dt, where ℓ_l is the Lagrange polynomial of
   * the nodes that is 1 at node l: ∫₋₁^{nodes[m]} g ≈ Σ_l partial[m n + l] g(nodes[l]), exact
   * for polynomials of degree ≤ n − 1.
   */
  partial: Float64Array;
  /**
   * The points −1, nodes…, 1 (n + 2 of them) and their barycentric weights, for interpolating a
   * function known at a panel's ends and nodes (degree n + 1).
   */
  points: Float64Array;
  barycentric: Float64Array;
}

// Nodes by Newton's method on the Legendre polynomial P_n from the usual cosine guess
// (Numerical Recipes §4.6); converges to machine precision in a few steps for small n.
function legendreRule(n: number): [Float64Array, Float64Array] {
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let x = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let derivative = 1;
    for (let step = 0; step < 100; step++) {
      let p0 = 1;
      let p1 = x;
      for (let j = 2; j <= n; j++) {
        const p2 = ((2 * j - 1) * x * p1 - (j - 1) * p0) / j;
        p0 = p1;
        p1 = p2;
      }
      derivative = (n * (x * p1 - p0)) / (x * x - 1);
      const dx = p1 / derivative;
      x -= dx;
      if (Math.abs(dx) < 1e-16) break;
    }
    // Cosine guesses descend; store ascending.
    nodes[n - 1 - i] = x;
    weights[n - 1 - i] = 2 / ((1 - x * x) * derivative * derivative);
  }
  return [nodes, weights];
}

function lagrange(nodes: Float64Array, l: number, t: number): number {
  let value = 1;
  for (let k = 0; k < nodes.length; k++) if (k !== l) value *= (t - nodes[k]) / (nodes[l] - nodes[k]);
  return value;
}

/**
 * The n-point Gauss–Legendre rule (n ≥ 2) with its partial-integral and interpolation tables.
 * The partial integrals are themselves computed with the rule mapped onto [−1, x_m], which is
 * exact since ℓ_l has degree n − 1.
 */
export function gaussRule(n: number): GaussRule {
  const [nodes, weights] = legendreRule(n);
  const partial = new Float64Array(n * n);
  for (let m = 0; m < n; m++) {
    const half = (nodes[m] + 1) / 2;
    for (let l = 0; l < n; l++) {
      let sum = 0;
      for (let q = 0; q < n; q++) sum += weights[q] * lagrange(nodes, l, -1 + half * (nodes[q] + 1));
      partial[m * n + l] = half * sum;
    }
  }
  const points = new Float64Array(n + 2);
  points[0] = -1;
  points.set(nodes, 1);
  points[n + 1] = 1;
  const barycentric = new Float64Array(n + 2);
  for (let j = 0; j < n + 2; j++) {
    let product = 1;
    for (let k = 0; k < n + 2; k++) if (k !== j) product *= points[j] - points[k];
    barycentric[j] = 1 / product;
  }
  return { n, nodes, weights, partial, points, barycentric };
}

/**
 * The value at t ∈ [−1, 1] of the polynomial through (points[j], values[j]), by the
 * barycentric formula (exact at the points themselves).
 */
export function interpolate(rule: GaussRule, values: ArrayLike<number>, offset: number, t: number): number {
  let numerator = 0;
  let denominator = 0;
  const { points, barycentric } = rule;
  for (let j = 0; j < points.length; j++) {
    const d = t - points[j];
    if (d === 0) return values[offset + j];
    const c = barycentric[j] / d;
    numerator += c * values[offset + j];
    denominator += c;
  }
  return numerator / denominator;
}
