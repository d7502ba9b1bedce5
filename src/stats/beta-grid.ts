/**
 * Several Beta densities and their CDFs tabulated on one grid of Gauss–Legendre panels,
 * placed where the posteriors hold their mass: the numerical core of the probability to be
 * best, the expected loss and the lift's interval. Internal to src/stats.
 */
import { betaCdf } from './beta-cdf';
import { betaQuantile } from './beta-quantile';
import { gaussRule, interpolate, type GaussRule } from './gauss-legendre';
import { logBeta } from './log-gamma';

/** Mass left out in each tail of every posterior: the grid spans its 1e-10 and 1 − 1e-10 quantiles. */
export const MASS_TAIL = 1e-10;
/** Panels per posterior's mass range. 24 panels of 8 nodes keep tabulated CDFs within ~1e-10. */
export const PANELS = 24;
/** The rule used in every panel. */
export const RULE: GaussRule = gaussRule(8);

/** The range [q(1e-10), q(1 − 1e-10)] holding all but 2e-10 of Beta(a, b)'s mass. */
export function massRange(a: number, b: number): [number, number] {
  return [betaQuantile(MASS_TAIL, a, b), betaQuantile(1 - MASS_TAIL, a, b)];
}

/**
 * Panel breaks for several mass ranges at once: every range's ends are breaks, and every panel
 * inside a range is at most 1/`panels` of that range wide, so each posterior is resolved by
 * about `panels` panels however narrow it is beside the others. Where ranges overlap the
 * finest one sets the pace, so k similar posteriors need about `panels` + 2k panels, not
 * k · `panels`. Returns the sorted breaks.
 */
export function sharedBreaks(ranges: [number, number][], panels = PANELS): number[] {
  const ends = ranges.flat().sort((p, q) => p - q);
  const breaks: number[] = [ends[0]];
  let t = ends[0];
  let e = 0;
  const last = ends[ends.length - 1];
  while (t < last) {
    while (e < ends.length && ends[e] <= t) e++;
    let step = Infinity;
    for (const [lo, hi] of ranges) if (lo <= t && t < hi) step = Math.min(step, (hi - lo) / panels);
    // Stop at the next range end; avoid a sliver when it lies just past a full step.
    let next = ends[e];
    if (t + step < next) next = t + step * 1.05 >= next ? next : t + step;
    if (!(next > t)) break;
    breaks.push(next);
    t = next;
  }
  return breaks;
}

/** `panels` + 1 equally spaced breaks from lo to hi. */
export function panelBreaks(lo: number, hi: number, panels = PANELS): number[] {
  const breaks: number[] = [];
  for (let i = 0; i <= panels; i++) breaks.push(i === panels ? hi : lo + ((hi - lo) * i) / panels);
  return breaks;
}

/** Densities and CDFs of several Betas at the nodes of one grid. */
export interface BetaGrid {
  /** The sorted, distinct panel breaks. */
  breaks: Float64Array;
  /** All panels' nodes in order (panel k's are at k·n … k·n + n − 1) and their quadrature weights. */
  x: Float64Array;
  weight: Float64Array;
  /** density[j][node]: Beta j's density; 0 on panels outside its mass range. */
  density: Float64Array[];
  /** cdf[j][node]: Beta j's CDF, betaCdf at the first break plus the integrated density. */
  cdf: Float64Array[];
  /** cdfAtBreaks[j][k]: Beta j's CDF at break k. */
  cdfAtBreaks: Float64Array[];
}

/**
 * Tabulates Beta(a_j, b_j) for each shape on the panels between consecutive distinct
 * `breaks` (any order; each shape's mass range should start and end on a break, so that a
 * panel lies wholly inside or outside it). Inside a panel the CDF at each node is the CDF at
 * the panel's start plus the exact integral of the density's interpolating polynomial
 * (the rule's partial integrals); outside its range a density counts as 0 (its CDF stays put).
 */
export function betaGrid(shapes: [number, number][], ranges: [number, number][], breaks: number[]): BetaGrid {
  const sorted = Float64Array.from(breaks).sort();
  const distinct: number[] = [];
  for (const t of sorted) if (distinct.length === 0 || t > distinct[distinct.length - 1]) distinct.push(t);
  const { n, nodes, weights, partial } = RULE;
  const panels = Math.max(0, distinct.length - 1);
  const x = new Float64Array(panels * n);
  const weight = new Float64Array(panels * n);
  for (let k = 0; k < panels; k++) {
    const half = (distinct[k + 1] - distinct[k]) / 2;
    const mid = distinct[k] + half;
    for (let q = 0; q < n; q++) {
      x[k * n + q] = mid + half * nodes[q];
      weight[k * n + q] = half * weights[q];
    }
  }
  const density: Float64Array[] = [];
  const cdf: Float64Array[] = [];
  const cdfAtBreaks: Float64Array[] = [];
  const f = new Float64Array(n);
  shapes.forEach(([a, b], j) => {
    const [lo, hi] = ranges[j];
    const logNorm = logBeta(a, b);
    const dens = new Float64Array(panels * n);
    const cum = new Float64Array(panels * n);
    const atBreaks = new Float64Array(panels + 1);
    let F = distinct.length > 0 ? betaCdf(distinct[0], a, b) : 0;
    atBreaks[0] = F;
    for (let k = 0; k < panels; k++) {
      const half = (distinct[k + 1] - distinct[k]) / 2;
      const mid = distinct[k] + half;
      if (mid >= lo && mid <= hi) {
        let total = 0;
        for (let q = 0; q < n; q++) {
          const t = x[k * n + q];
          f[q] = Math.exp((a - 1) * Math.log(t) + (b - 1) * Math.log1p(-t) - logNorm);
          dens[k * n + q] = f[q];
          total += weights[q] * f[q];
        }
        for (let m = 0; m < n; m++) {
          let s = 0;
          for (let l = 0; l < n; l++) s += partial[m * n + l] * f[l];
          cum[k * n + m] = Math.min(1, F + half * s);
        }
        F = Math.min(1, F + half * total);
      } else {
        cum.fill(F, k * n, k * n + n);
      }
      atBreaks[k + 1] = F;
    }
    density.push(dens);
    cdf.push(cum);
    cdfAtBreaks.push(atBreaks);
  });
  return { breaks: Float64Array.from(distinct), x, weight, density, cdf, cdfAtBreaks };
}

/** A Beta CDF tabulated on equal panels over its mass range, read anywhere by interpolation. */
export interface BetaCdfTable {
  /** The mass range tabulated, from {@link massRange}. */
  range: [number, number];
  /** F(y), within ~1e-10 of betaCdf(y, a, b), in O(n) operations. */
  at(y: number): number;
}

/** Tabulates Beta(a, b)'s CDF on {@link PANELS} equal panels over its mass range. */
export function betaCdfTable(a: number, b: number): BetaCdfTable {
  const [lo, hi] = massRange(a, b);
  const grid = betaGrid([[a, b]], [[lo, hi]], panelBreaks(lo, hi));
  const panels = grid.breaks.length - 1;
  const n = RULE.n;
  // Each panel's values at its start, its nodes and its end, contiguous for interpolate().
  const values = new Float64Array(panels * (n + 2));
  for (let k = 0; k < panels; k++) {
    values[k * (n + 2)] = grid.cdfAtBreaks[0][k];
    values.set(grid.cdf[0].subarray(k * n, k * n + n), k * (n + 2) + 1);
    values[k * (n + 2) + n + 1] = grid.cdfAtBreaks[0][k + 1];
  }
  const first = grid.cdfAtBreaks[0][0];
  const last = grid.cdfAtBreaks[0][panels];
  const start = grid.breaks[0];
  const end = grid.breaks[panels];
  const width = panels > 0 ? (end - start) / panels : 0;
  return {
    range: [lo, hi],
    at(y: number): number {
      if (!(y > start) || panels === 0) return y >= 1 ? 1 : y <= 0 ? 0 : first;
      if (y >= end) return y >= 1 ? 1 : last;
      const k = Math.min(panels - 1, Math.floor((y - start) / width));
      const left = grid.breaks[k];
      const half = (grid.breaks[k + 1] - left) / 2;
      return interpolate(RULE, values, k * (n + 2), (y - left - half) / half);
    },
  };
}
