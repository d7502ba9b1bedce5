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

/**
 * One panel of a {@link scanBetaGrid}: its nodes and weights, and every Beta's density and CDF
 * there. The arrays are reused from panel to panel; copy what must outlive the callback.
 */
export interface BetaPanel {
  /** The panel's ends. */
  start: number;
  end: number;
  /** The n nodes inside the panel and their quadrature weights (∫ g ≈ Σ weight[q] g(x[q])). */
  x: Float64Array;
  weight: Float64Array;
  /** density[j·n + q]: Beta j's density at node q; 0 when the panel is outside its mass range. */
  density: Float64Array;
  /** cdf[j·n + q]: Beta j's CDF at node q. */
  cdf: Float64Array;
  /** Beta j's CDF at the panel's start and end. */
  cdfAtStart: Float64Array;
  cdfAtEnd: Float64Array;
}

/**
 * Walks the panels between consecutive distinct `breaks` (any order) from left to right,
 * handing each to `visit` with the densities and CDFs of every Beta(a_j, b_j) at its nodes.
 * Each shape's mass range (`ranges[j]`) should start and end on a break, so that a panel lies
 * wholly inside or outside it; outside, the density counts as 0 and the CDF stays put.
 * A CDF starts as betaCdf at the first break; inside a panel its value at each node is the
 * value at the panel's start plus the exact integral of the density's interpolating polynomial
 * (the rule's partial integrals), and at the panel's end plus the density's Gauss integral.
 * Memory is O(k·n) whatever the number of panels; time O(k · panels · n).
 */
export function scanBetaGrid(shapes: [number, number][], ranges: [number, number][], breaks: number[], visit: (panel: BetaPanel) => void): void {
  const sorted = Float64Array.from(breaks).sort();
  const distinct: number[] = [];
  for (const t of sorted) if (distinct.length === 0 || t > distinct[distinct.length - 1]) distinct.push(t);
  if (distinct.length < 2) return;
  const { n, nodes, weights, partial } = RULE;
  const k = shapes.length;
  const logNorms = shapes.map(([a, b]) => logBeta(a, b));
  const panel: BetaPanel = {
    start: 0,
    end: 0,
    x: new Float64Array(n),
    weight: new Float64Array(n),
    density: new Float64Array(k * n),
    cdf: new Float64Array(k * n),
    cdfAtStart: new Float64Array(k),
    cdfAtEnd: Float64Array.from(shapes, ([a, b]) => betaCdf(distinct[0], a, b)),
  };
  const { x, weight, density, cdf, cdfAtStart, cdfAtEnd } = panel;
  for (let p = 0; p + 1 < distinct.length; p++) {
    const half = (distinct[p + 1] - distinct[p]) / 2;
    const mid = distinct[p] + half;
    panel.start = distinct[p];
    panel.end = distinct[p + 1];
    for (let q = 0; q < n; q++) {
      x[q] = mid + half * nodes[q];
      weight[q] = half * weights[q];
    }
    cdfAtStart.set(cdfAtEnd);
    for (let j = 0; j < k; j++) {
      const F = cdfAtStart[j];
      const o = j * n;
      if (mid >= ranges[j][0] && mid <= ranges[j][1]) {
        const [a, b] = shapes[j];
        let total = 0;
        for (let q = 0; q < n; q++) {
          const f = Math.exp((a - 1) * Math.log(x[q]) + (b - 1) * Math.log1p(-x[q]) - logNorms[j]);
          density[o + q] = f;
          total += weights[q] * f;
        }
        for (let m = 0; m < n; m++) {
          let s = 0;
          for (let l = 0; l < n; l++) s += partial[m * n + l] * density[o + l];
          cdf[o + m] = Math.min(1, F + half * s);
        }
        cdfAtEnd[j] = Math.min(1, F + half * total);
      } else {
        density.fill(0, o, o + n);
        cdf.fill(F, o, o + n);
      }
    }
    visit(panel);
  }
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
  const n = RULE.n;
  // Each panel's CDF at its start, its nodes and its end, contiguous for interpolate().
  const starts: number[] = [];
  const rows: number[] = [];
  scanBetaGrid([[a, b]], [[lo, hi]], panelBreaks(lo, hi), (panel) => {
    starts.push(panel.start);
    rows.push(panel.cdfAtStart[0], ...panel.cdf, panel.cdfAtEnd[0]);
  });
  const values = Float64Array.from(rows);
  const panels = starts.length;
  const first = panels > 0 ? values[0] : 0;
  const last = panels > 0 ? values[values.length - 1] : 1;
  const width = panels > 0 ? (hi - lo) / panels : 0;
  return {
    range: [lo, hi],
    at(y: number): number {
      if (!(y > lo) || panels === 0) return y >= 1 ? 1 : y <= 0 ? 0 : first;
      if (y >= hi) return y >= 1 ? 1 : last;
      const k = Math.min(panels - 1, Math.floor((y - lo) / width));
      const half = ((k + 1 < panels ? starts[k + 1] : hi) - starts[k]) / 2;
      return interpolate(RULE, values, k * (n + 2), (y - starts[k] - half) / half);
    },
  };
}
