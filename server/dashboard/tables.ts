/**
 * The dashboard's tables as plain data, built from the report: one model feeds both
 * the HTML table (formatted for people) and its CSV (raw numbers for spreadsheets),
 * so the two can never disagree. Pure, and tested without a browser.
 */
import { cumulativeRates, cumulativeUplift } from './cumulative';
import type { DailyPoint, GroupFigures, PlacementReport, QuizReport, RateWithInterval, Report, RowReport, UpliftReport, VariantReport } from '../report-types';
import { toCsv, type CsvCell } from './csv';
import type { Formats } from './format';

/** How a column's numbers are shown. */
export type Kind = 'text' | 'int' | 'rate' | 'change' | 'chance' | 'money';

/** A figure with its 95 % interval; a table shows it with a bar, a CSV as three columns. */
export interface Ranged {
  value: number | null;
  low: number | null;
  high: number | null;
}

/** A number whose kind is its own (a KPI table mixes counts, rates and money in one column). */
export interface Typed {
  kind: Kind;
  value: number;
}

/** One cell. */
export type Cell = string | number | null | Ranged | Typed;

/** One column: its header, how it is shown, and whether its cells are {@link Ranged}. */
export interface Column {
  label: string;
  kind: Kind;
  ranged?: boolean;
}

/** A table: `id` is unique on the page (it names the CSV file and the element). */
export interface TableModel {
  id: string;
  caption: string;
  columns: Column[];
  rows: Cell[][];
}

const isRanged = (c: Cell): c is Ranged => typeof c === 'object' && c !== null && 'low' in c;
const isTyped = (c: Cell): c is Typed => typeof c === 'object' && c !== null && 'kind' in c;
const ranged = (r: RateWithInterval): Ranged => ({ value: r.rate, low: r.low, high: r.high });

/** A number as its kind says, or an en dash for none. */
export function formatNumber(value: number | null, kind: Kind, f: Formats): string {
  if (value == null || !Number.isFinite(value)) return '–';
  switch (kind) {
    case 'int': return f.int(value);
    case 'rate': return f.rate(value);
    case 'change': return f.change(value);
    case 'chance': return f.chance(value);
    case 'money': return f.money(value);
    default: return String(value);
  }
}

/** A cell as text: a ranged one as `3.4% (2.1% to 4.9%)`. */
export function formatCell(cell: Cell, column: Column, f: Formats): string {
  if (cell == null) return '–';
  if (typeof cell === 'string') return cell;
  if (typeof cell === 'number') return formatNumber(cell, column.kind, f);
  if (isTyped(cell)) return formatNumber(cell.value, cell.kind, f);
  const main = formatNumber(cell.value, column.kind, f);
  if (cell.low == null || cell.high == null) return main;
  return `${main} (${formatNumber(cell.low, column.kind, f)} to ${formatNumber(cell.high, column.kind, f)})`;
}

/** The table as CSV: a ranged column becomes three (value, 95 % low, 95 % high); numbers stay raw. */
export function tableCsv(table: TableModel): string {
  const header: CsvCell[] = [];
  for (const c of table.columns) header.push(...(c.ranged ? [c.label, `${c.label} 95% low`, `${c.label} 95% high`] : [c.label]));
  const rows = table.rows.map((row) => {
    const out: CsvCell[] = [];
    row.forEach((cell, i) => {
      if (table.columns[i].ranged) {
        const r = isRanged(cell) ? cell : { value: null, low: null, high: null };
        out.push(r.value, r.low, r.high);
      } else out.push(isTyped(cell) ? cell.value : isRanged(cell) ? cell.value : cell);
    });
    return out;
  });
  return toCsv([header, ...rows]);
}

const groupCells = (g: GroupFigures): Cell[] => [g.visitors, g.impressions, g.converters, ranged(g.conversionRate), g.value, { value: g.revenuePerVisitor.mean, low: g.revenuePerVisitor.low, high: g.revenuePerVisitor.high }];

/** A placement's variants as the page lists them: the default first (the baseline), then the likeliest to be best. */
export function orderedVariants(p: PlacementReport): VariantReport[] {
  return [...p.variants].sort((a, b) => Number(b.isDefault) - Number(a.isDefault) || (b.probabilityToBeBest ?? -1) - (a.probabilityToBeBest ?? -1));
}

/** A placement's variants and holdout: the numbers behind its verdicts. */
export function placementTable(p: PlacementReport, index: number): TableModel {
  const rows: Cell[][] = orderedVariants(p).map((v) => [
    v.variant + (v.isDefault ? ' (default)' : ''),
    ...groupCells(v),
    v.lift && { value: v.lift.relative, low: v.lift.low, high: v.lift.high },
    v.probabilityToBeBest,
  ]);
  if (p.holdout) rows.push(['Holdout (not personalised)', ...groupCells(p.holdout), null, null]);
  return {
    id: `placement-${index}`,
    caption: `Placement ${p.placement}: variants`,
    columns: [
      { label: 'Variant', kind: 'text' },
      { label: 'Visitors', kind: 'int' },
      { label: 'Impressions', kind: 'int' },
      { label: 'Converting visitors', kind: 'int' },
      { label: 'Conversion rate', kind: 'rate', ranged: true },
      { label: 'Revenue', kind: 'money' },
      { label: 'Revenue per visitor', kind: 'money', ranged: true },
      { label: 'Lift against the default', kind: 'change', ranged: true },
      { label: 'Chance to be best', kind: 'chance' },
    ],
    rows,
  };
}

/** The groups a placement's charts draw: the default and the likeliest variants (at most `max`), then the holdout. */
export function chartGroups(p: PlacementReport, max = Infinity): { name: string; daily: DailyPoint[]; holdout: boolean }[] {
  return [
    ...orderedVariants(p).slice(0, max).map((v) => ({ name: v.variant, daily: v.daily, holdout: false })),
    ...(p.holdout ? [{ name: 'holdout', daily: p.holdout.daily, holdout: true }] : []),
  ];
}

/** The days of a placement's daily series, sorted. */
export const placementDays = (p: PlacementReport): string[] =>
  [...new Set([...p.variants.flatMap((v) => v.daily.map((d) => d.day)), ...(p.holdout?.daily.map((d) => d.day) ?? [])])].sort();

/**
 * A placement's conversion rate up to each day per variant (running totals of the
 * daily cohorts), and the uplift so far: the text alternative of its charts, with
 * every variant (the chart draws the likeliest few).
 */
export function placementDailyTable(p: PlacementReport, index: number): TableModel {
  const groups = chartGroups(p);
  const days = placementDays(p);
  const rates = groups.map((g) => cumulativeRates(g.daily, days));
  const uplift = p.holdout ? cumulativeUplift(p.variants.map((v) => v.daily), p.holdout.daily, days) : null;
  return {
    id: `placement-${index}-daily`,
    caption: `Placement ${p.placement}: conversion rate so far, day by day`,
    columns: [
      { label: 'Up to day', kind: 'text' },
      ...groups.map((g): Column => ({ label: g.name, kind: 'rate', ranged: true })),
      ...(uplift ? [{ label: 'Uplift against the holdout', kind: 'change', ranged: true } as Column] : []),
    ],
    rows: days.map((day, i) => [day, ...rates.map((r) => (r[i].value == null ? null : r[i])), ...(uplift ? [uplift[i].value == null ? null : uplift[i]] : [])]),
  };
}

/** A quiz's funnel: started, each question, completed, then where visitors gave up. */
export function quizFunnelTable(q: QuizReport, index: number): TableModel {
  const share = (n: number) => (q.started > 0 ? n / q.started : null);
  return {
    id: `quiz-${index}-funnel`,
    caption: `Quiz ${q.quiz}: funnel`,
    columns: [{ label: 'Step', kind: 'text' }, { label: 'Visitors', kind: 'int' }, { label: 'Share of starts', kind: 'rate' }],
    rows: [
      ['Started', q.started, share(q.started)],
      ...q.answered.map((a): Cell[] => [`Answered ${a.question}`, a.count, share(a.count)]),
      ['Completed', q.completed, share(q.completed)],
      ...q.abandoned.map((a): Cell[] => [`Gave up at ${a.question}`, a.count, share(a.count)]),
    ],
  };
}

/** A quiz's outcomes, and how completers converted against those who gave up. */
export function quizOutcomeTables(q: QuizReport, index: number): TableModel[] {
  return [
    {
      id: `quiz-${index}-outcomes`,
      caption: `Quiz ${q.quiz}: results shown`,
      columns: [{ label: 'Result', kind: 'text' }, { label: 'Completions', kind: 'int' }, { label: 'Share', kind: 'rate' }],
      rows: q.outcomes.map((o) => [o.outcome, o.count, o.share]),
    },
    {
      id: `quiz-${index}-buyers`,
      caption: `Quiz ${q.quiz}: orders after the quiz`,
      columns: [
        { label: 'Visitors who', kind: 'text' }, { label: 'Visitors', kind: 'int' }, { label: 'Buyers', kind: 'int' },
        { label: 'Conversion rate', kind: 'rate', ranged: true }, { label: 'Revenue', kind: 'money' },
      ],
      rows: [
        ['Completed it', q.completers.visitors, q.completers.buyers, ranged(q.completers.conversionRate), q.completers.revenue],
        ['Did not complete it', q.nonCompleters.visitors, q.nonCompleters.buyers, ranged(q.nonCompleters.conversionRate), q.nonCompleters.revenue],
      ],
    },
  ];
}

/** Recommendation rows: views, clicks, click-through and what clicked products sold. */
export function rowsTable(rows: RowReport[]): TableModel {
  return {
    id: 'rows',
    caption: 'Recommendation rows',
    columns: [
      { label: 'Row', kind: 'text' }, { label: 'Strategy', kind: 'text' }, { label: 'Views', kind: 'int' }, { label: 'Clicks', kind: 'int' },
      { label: 'Click-through rate', kind: 'rate', ranged: true }, { label: 'Orders', kind: 'int' }, { label: 'Revenue', kind: 'money' },
    ],
    rows: rows.map((r) => [r.row, r.strategy, r.views, r.clicks, ranged(r.clickThroughRate), r.orders, r.revenue]),
  };
}

/** The site's KPIs, one per row. */
export function kpiTable(report: Report): TableModel {
  const k = report.kpis;
  const row = (label: string, kind: Kind, value: number): Cell[] => [label, { kind, value }];
  return {
    id: 'kpis',
    caption: 'Site figures',
    columns: [{ label: 'Figure', kind: 'text' }, { label: 'Value', kind: 'int' }],
    rows: [
      row('Visitors', 'int', k.visitors), row('Visits', 'int', k.sessions), row('Page views', 'int', k.pageViews),
      row('Orders', 'int', k.orders), row('Buyers', 'int', k.buyers), row('Conversion rate (buyers per visitor)', 'rate', k.conversionRate),
      row('Revenue', 'money', k.revenue), row('Average order value', 'money', k.averageOrderValue),
      row('Revenue per visitor', 'money', k.revenuePerVisitor), row('Repeat-purchase rate', 'rate', k.repeatPurchaseRate),
      ...k.signals.map((s) => row(`Signals: ${s.kind}`, 'int', s.count)),
    ],
  };
}

/** The site's figures per day. */
export function kpiDailyTable(report: Report): TableModel {
  return {
    id: 'kpis-daily',
    caption: 'Site figures per day',
    columns: [{ label: 'Day', kind: 'text' }, { label: 'Visitors', kind: 'int' }, { label: 'Orders', kind: 'int' }, { label: 'Revenue', kind: 'money' }],
    rows: report.kpis.daily.map((d) => [d.day, d.visitors, d.orders, d.revenue]),
  };
}

/** Daily uplift against the holdout (the site-wide one's chart's text alternative). */
export function upliftDailyTable(u: UpliftReport, id: string, caption: string): TableModel {
  return {
    id,
    caption,
    columns: [{ label: 'Day', kind: 'text' }, { label: 'Uplift against the holdout', kind: 'change', ranged: true }],
    rows: u.daily.map((d) => [d.day, { value: d.relative, low: d.low, high: d.high }]),
  };
}
