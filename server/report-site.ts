/**
 * The report's site-level sections from daily counts: quiz funnels, recommendation
 * rows and the site's KPIs.
 */
import { conversionInterval } from '../src/stats';
import { dayString, rateOf, REPORT_LEVEL, round, sum } from './report-figures';
import type { CountRow, ReportRows } from './report-store';
import type { QuizReport, RowReport, SiteKpis } from './report-types';

// Totals of count rows by a key, largest first (ties by name, so the order is stable).
function tally(rows: readonly CountRow[], key: (row: CountRow) => string): { key: string; count: number; value: number }[] {
  const totals = new Map<string, { key: string; count: number; value: number }>();
  for (const r of rows) {
    const k = key(r);
    const t = totals.get(k) ?? { key: k, count: 0, value: 0 };
    t.count += r.count;
    t.value += r.value;
    totals.set(k, t);
  }
  return [...totals.values()].sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

const total = (rows: readonly CountRow[]) => rows.reduce((n, r) => n + r.count, 0);

/** Each quiz's funnel, outcomes, and orders of completers against non-completers. */
export function quizzes(data: ReportRows): QuizReport[] {
  const steps = data.counts.filter((c) => c.metric.startsWith('quiz-'));
  const ids = new Set([...steps.map((c) => c.a), ...data.cohorts.filter((r) => r.kind === 'quiz').map((r) => r.subject)]);
  return [...ids].sort().map((quiz) => {
    const of = (metric: string) => steps.filter((c) => c.a === quiz && c.metric === metric);
    const completed = of('quiz-completed');
    const completions = total(completed);
    const cohort = (label: string) => {
      const s = sum(data.cohorts.filter((r) => r.kind === 'quiz' && r.subject === quiz && r.label === label));
      return { visitors: s.visitors, buyers: s.converters, revenue: round(s.value), conversionRate: rateOf(s) };
    };
    return {
      quiz,
      started: total(of('quiz-started')),
      completed: completions,
      answered: tally(of('quiz-answered'), (c) => c.b).map((t) => ({ question: t.key, count: t.count })),
      abandoned: tally(of('quiz-abandoned'), (c) => c.b).map((t) => ({ question: t.key, count: t.count })),
      outcomes: tally(completed, (c) => c.b).map((t) => ({ outcome: t.key, count: t.count, share: round(completions ? t.count / completions : 0) })),
      completers: cohort('completed'),
      nonCompleters: cohort('started'),
    };
  });
}

/** Each recommendation row's views, clicks, click-through rate and attributed orders. */
export function rows(data: ReportRows): RowReport[] {
  const rowCounts = data.counts.filter((c) => c.metric.startsWith('row-'));
  const ids = [...new Set(rowCounts.map((c) => c.a))].sort();
  return ids.map((row) => {
    const of = (metric: string) => rowCounts.filter((c) => c.a === row && c.metric === metric);
    const views = total(of('row-viewed'));
    const clicks = total(of('row-clicked'));
    const orders = of('row-order');
    const ctr = conversionInterval(Math.min(clicks, views), views, REPORT_LEVEL);
    return {
      row,
      // A row is named by its strategy today (`data-attune-recs="<strategy>"`).
      strategy: row,
      views,
      clicks,
      clickThroughRate: { rate: round(ctr.rate), low: round(ctr.low), high: round(ctr.high) },
      orders: total(orders),
      revenue: round(orders.reduce((n, c) => n + c.value, 0)),
    };
  });
}

/** The site's KPIs over the range. */
export function kpis(data: ReportRows): SiteKpis {
  const of = (metric: string) => data.counts.filter((c) => c.metric === metric);
  const orders = of('order');
  const orderCount = total(orders);
  const revenue = orders.reduce((n, c) => n + c.value, 0);
  const ratio = (a: number, b: number) => round(b > 0 ? a / b : 0);
  const days = new Map<number, { visitors: number; orders: number; revenue: number }>();
  for (const c of orders) {
    const d = days.get(c.day) ?? { visitors: 0, orders: 0, revenue: 0 };
    d.orders += c.count;
    d.revenue += c.value;
    days.set(c.day, d);
  }
  for (const [day, visitors] of data.dailyVisitors) {
    const d = days.get(day) ?? { visitors: 0, orders: 0, revenue: 0 };
    d.visitors = visitors;
    days.set(day, d);
  }
  return {
    visitors: data.visitors,
    sessions: total(of('session')),
    pageViews: total(of('page')),
    orders: orderCount,
    buyers: data.buyers,
    conversionRate: ratio(data.buyers, data.visitors),
    revenue: round(revenue),
    averageOrderValue: ratio(revenue, orderCount),
    revenuePerVisitor: ratio(revenue, data.visitors),
    repeatPurchaseRate: ratio(total(of('repeat-order')), orderCount),
    signals: tally(of('signal'), (c) => c.a).map((t) => ({ kind: t.key, count: t.count })),
    daily: [...days]
      .sort((a, b) => a[0] - b[0])
      .map(([day, d]) => ({ day: dayString(day), visitors: d.visitors, orders: d.orders, revenue: round(d.revenue) })),
  };
}
