/**
 * The dashboard's charts, drawn with uPlot (1.6.32, pinned): chosen for size, about
 * 50 KB minified with no dependencies, drawing on canvas, where Chart.js is about
 * 200 KB and Observable Plot brings d3 (several hundred). uPlot styles its own
 * elements only through CSSOM properties and classes, so it runs under the page's
 * strict CSP; its style sheet is served as a file (/dashboard/uplot.css).
 *
 * Each chart is a figure whose caption names the table holding the same figures:
 * the table is the text alternative. Lines differ by dash as well as colour.
 */
import uPlot from 'uplot';
import type { Formats } from '../format';
import type { PlacementReport, UpliftReport } from '../../report-types';
import { cumulativeRates, cumulativeUplift } from '../cumulative';
import { chartGroups, placementDays, type Ranged } from '../tables';
import { el } from './dom';

// Okabe–Ito: told apart with the common colour-vision deficiencies.
const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];
const HOLDOUT = '#6b6b6b';
const HEIGHT = 240;
const DAY_STEPS = [1, 2, 7, 14, 28, 91].map((days) => days * 86_400);
const dayLabel = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });

const seconds = (day: string) => Date.parse(`${day}T00:00:00Z`) / 1000;
// Light enough for several bands to overlap and still show the lines through them.
const translucent = (hex: string) => `${hex}1f`;

interface Line {
  name: string;
  color: string;
  dash?: number[];
  /** One value, low and high per day, aligned with the chart's days. */
  values: (number | null)[];
  low: (number | null)[];
  high: (number | null)[];
}

/** The legend, as a list: the name is text, the swatch only echoes the line. */
function legend(lines: Line[]): HTMLElement {
  return el(
    'ul',
    { class: 'legend' },
    ...lines.map((line) => {
      const swatch = el('span', { class: line.dash ? 'swatch dashed' : 'swatch', 'aria-hidden': 'true' });
      // CSSOM, which the CSP allows (a style attribute would not be).
      swatch.style.borderColor = line.color;
      return el('li', {}, swatch, line.name);
    }),
  );
}

/** A uPlot chart of `lines` with their 95 % bands, in a figure captioned `caption`. */
function chart(days: string[], lines: Line[], f: Formats, caption: string, label: string, zero: boolean): HTMLElement {
  const frame = el('div', { class: 'chart', role: 'img', 'aria-label': label });
  const figure = el('figure', {}, frame, legend(lines), el('figcaption', {}, caption));
  const series: uPlot.Series[] = [{}];
  const data: (number | null)[][] = [days.map(seconds)];
  const bands: uPlot.Band[] = [];
  for (const line of lines) {
    const at = series.length;
    series.push({ label: line.name, stroke: line.color, width: 2, dash: line.dash, points: { show: days.length < 40 } });
    series.push({ label: `${line.name} 95% low`, stroke: 'transparent', width: 0, points: { show: false } });
    series.push({ label: `${line.name} 95% high`, stroke: 'transparent', width: 0, points: { show: false } });
    data.push(line.values, line.low, line.high);
    bands.push({ series: [at + 2, at + 1], fill: translucent(line.color) });
  }
  if (zero) {
    series.push({ label: 'No effect', stroke: '#333333', width: 1, dash: [2, 4], points: { show: false } });
    data.push(days.map(() => 0));
  }
  const options: uPlot.Options = {
    width: 320,
    height: HEIGHT,
    series,
    bands,
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    // Days are UTC days: axis labels must not shift to the viewer's time zone.
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    scales: { x: { time: true }, y: { range: (_u, min, max) => [Math.min(0, min ?? 0), Math.max(zero ? 0.01 : 0.001, max ?? 0)] } },
    // Whole days only: the figures are per UTC day, so hour ticks would mean nothing.
    axes: [{ incrs: DAY_STEPS, values: (_u, splits) => splits.map((s) => dayLabel.format(new Date(s * 1000))) }, { size: 72, values: (_u, splits) => splits.map((v) => (zero ? f.change(v) : f.rate(v))) }],
  };
  const plot = new uPlot(options, data as uPlot.AlignedData, frame);
  // Sized to its container once on the page, and again whenever that changes (a phone turned).
  const fit = () => plot.setSize({ width: Math.max(240, frame.clientWidth), height: HEIGHT });
  new ResizeObserver(fit).observe(frame);
  return figure;
}

/** Lines drawn at most per conversion chart: the default and the likeliest variants; the table has them all. */
export const MAX_LINES = 5;

const ofRanged = (points: Ranged[]) => ({ values: points.map((p) => p.value), low: points.map((p) => p.low), high: points.map((p) => p.high) });

/** Conversion rate so far of the default and the likeliest variants (and the holdout, dashed), with bands; null without days. */
export function conversionChart(p: PlacementReport, f: Formats, tableCaption: string): HTMLElement | null {
  const days = placementDays(p);
  if (days.length === 0) return null;
  const groups = chartGroups(p, MAX_LINES);
  const lines: Line[] = groups.map((g, i) => ({
    name: g.name,
    color: g.holdout ? HOLDOUT : PALETTE[i % PALETTE.length],
    dash: g.holdout ? [6, 4] : undefined,
    ...ofRanged(cumulativeRates(g.daily, days)),
  }));
  const shown = p.variants.length > MAX_LINES ? ` Drawn: the default and the ${MAX_LINES - 1} likeliest to be best of ${p.variants.length} variants.` : '';
  return chart(
    days,
    lines,
    f,
    `Conversion rate so far (everyone exposed up to each day), per variant; shaded: 95 % interval.${shown} All figures: table “${tableCaption}”.`,
    `Chart of the conversion rate so far of placement ${p.placement}, by variant`,
    false,
  );
}

/** Uplift so far of the placement's treatment over its holdout, with its band, against a dotted "no effect" line. */
export function placementUpliftChart(p: PlacementReport, f: Formats, tableCaption: string): HTMLElement | null {
  if (!p.holdout) return null;
  const days = placementDays(p);
  if (days.length === 0) return null;
  const line: Line = { name: 'Uplift against the holdout', color: PALETTE[2], ...ofRanged(cumulativeUplift(p.variants.map((v) => v.daily), p.holdout.daily, days)) };
  return chart(
    days,
    [line],
    f,
    `Uplift of personalisation over the holdout so far (everyone exposed up to each day); shaded: 95 % interval; dotted: no effect. The same figures: table “${tableCaption}”.`,
    `Chart of the uplift so far against the holdout of placement ${p.placement}`,
    true,
  );
}

/** The site-wide holdout's uplift per day (the report gives no daily counts to total), against "no effect". */
export function siteUpliftChart(u: UpliftReport, f: Formats, tableCaption: string): HTMLElement | null {
  const days = u.daily.map((d) => d.day);
  if (days.length === 0) return null;
  const line: Line = { name: 'Uplift against the holdout', color: PALETTE[2], ...ofRanged(u.daily.map((d) => ({ value: d.relative, low: d.low, high: d.high }))) };
  return chart(
    days,
    [line],
    f,
    `Uplift of personalisation over the site-wide holdout per day; shaded: 95 % interval; dotted: no effect. The same figures: table “${tableCaption}”.`,
    'Chart of the daily uplift against the site-wide holdout',
    true,
  );
}
