/**
 * The body of `GET /v1/report`: what the dashboard draws and what a marketer's own
 * tools may read. Rates are per visitor; every interval is a 95 % one (`level`).
 * Days are UTC calendar days written `YYYY-MM-DD`.
 *
 * Visitors are counted in the day of their first exposure (a cohort), so a
 * visitor is one visitor however many days and pages they saw the placement on;
 * their later conversions and value belong to that cohort. Impressions and
 * conversions (events) are counted on the day they happened.
 */

/** A proportion with its 95 % credible interval (Beta(1 + c, 1 + n − c) posterior). */
export interface RateWithInterval {
  rate: number;
  low: number;
  high: number;
}

/** A mean with its 95 % interval (Student t); `low`/`high` null below two visitors. */
export interface MeanWithInterval {
  mean: number;
  low: number | null;
  high: number | null;
}

/** A relative change (0.18 = +18 %) with its 95 % interval; null where it cannot be computed. */
export interface RelativeChange {
  /** Point estimate of (variant − base) / base; null when the base rate is 0. */
  relative: number | null;
  low: number | null;
  high: number | null;
  /** Probability that the variant is better than the base (conversion rates only; null for means). */
  probabilityBetter: number | null;
}

/** One UTC day of one variant or group. */
export interface DailyPoint {
  day: string;
  /** Visitors first exposed that day. */
  visitors: number;
  /** Of those, visitors who converted. */
  converters: number;
  conversionRate: RateWithInterval;
}

/** Whether there is enough data to call a result, and if not how many more visitors. */
export interface DataSufficiency {
  enough: boolean;
  /** Visitors still needed in the smallest compared group; null when it cannot be estimated yet. */
  visitorsNeeded: number | null;
}

/** A sample-ratio-mismatch check: observed visitors against the shares the config asks for. */
export interface RatioCheck {
  /** What was split: the variants of a weighted split, or treatment against holdout. */
  kind: 'weights' | 'holdout';
  /** Names of the compared groups, in the order of `observed` and `expected`. */
  groups: string[];
  observed: number[];
  /** Expected shares, summing to 1. */
  expected: number[];
  pValue: number;
  /** True below p = 0.001: the split is not what the config asked for, so the results are suspect. */
  mismatch: boolean;
}

/** Counts and rates of one variant (treatment) or of a placement's holdout. */
export interface GroupFigures {
  visitors: number;
  impressions: number;
  converters: number;
  conversions: number;
  /** Sum of conversion values (revenue), in the site's currency. */
  value: number;
  conversionRate: RateWithInterval;
  revenuePerVisitor: MeanWithInterval;
  daily: DailyPoint[];
}

/** One variant of a placement, in the treatment group. */
export interface VariantReport extends GroupFigures {
  variant: string;
  /** True for the placement's default variant (what the holdout sees; lift is measured against it). */
  isDefault: boolean;
  /**
   * Probability that this variant has the highest conversion rate among the variants that
   * compete for the same visitors (the pool, without `when`); null for a variant a rule
   * targets at its own audience, which competes with none.
   */
  probabilityToBeBest: number | null;
  /** Expected loss in conversion rate (absolute) of choosing this variant among the pool; null like `probabilityToBeBest`. */
  expectedLoss: number | null;
  /** True for a variant shown by a rule (`when`) to its own audience: it is not in the race for best. */
  targeted: boolean;
  /** Conversion-rate lift against the default variant; null for the default itself or without one. */
  lift: RelativeChange | null;
  /** Revenue-per-visitor lift against the default variant; null for the default itself or without one. */
  revenueLift: RelativeChange | null;
}

/** Treatment against holdout: what personalisation adds. */
export interface UpliftReport {
  treatment: { visitors: number; converters: number; value: number; conversionRate: RateWithInterval; revenuePerVisitor: MeanWithInterval };
  holdout: { visitors: number; converters: number; value: number; conversionRate: RateWithInterval; revenuePerVisitor: MeanWithInterval };
  conversionRate: RelativeChange;
  revenuePerVisitor: RelativeChange;
  /**
   * Daily relative conversion-rate uplift (cohort days), for the uplift chart. Each point's
   * interval is Katz's log interval (a normal approximation; null without a conversion on a
   * side), not the Beta-ratio quadrature of the totals: it is drawn, not decided on.
   */
  daily: { day: string; relative: number | null; low: number | null; high: number | null }[];
  enoughData: DataSufficiency;
}

/** One placement: its variants, holdout and checks. */
export interface PlacementReport {
  placement: string;
  /** From the config's `default` (else its first variant), else the variant the holdout saw; null if unknown. */
  defaultVariant: string | null;
  /** Goal event names from the config, when the collector has it. */
  goals: string[];
  variants: VariantReport[];
  /** Null when no holdout visitor was seen. */
  holdout: GroupFigures | null;
  /** Null without holdout visitors. */
  uplift: UpliftReport | null;
  /** Checks that apply (a weighted split, a holdout share); empty without the config. */
  ratioChecks: RatioCheck[];
  /** Across the competing variants (the two leading): enough data to name a winner? */
  enoughData: DataSufficiency;
}

/** One quiz's funnel. */
export interface QuizReport {
  quiz: string;
  started: number;
  completed: number;
  /** Answers per question id, in the order questions were first answered most. */
  answered: { question: string; count: number }[];
  /** Abandonments by the question the visitor was on. */
  abandoned: { question: string; count: number }[];
  /** Outcome id → completions. */
  outcomes: { outcome: string; count: number; share: number }[];
  /** Visitors who started, split by whether they completed, with orders afterwards. */
  completers: { visitors: number; buyers: number; revenue: number; conversionRate: RateWithInterval };
  nonCompleters: { visitors: number; buyers: number; revenue: number; conversionRate: RateWithInterval };
}

/** One recommendation row (its `list_id`, which names its strategy). */
export interface RowReport {
  row: string;
  strategy: string;
  views: number;
  clicks: number;
  /** clicks / views, with its interval. */
  clickThroughRate: RateWithInterval;
  /** Orders containing a product clicked in this row within the attribution window before the order. */
  orders: number;
  /** Revenue of those clicked products (price × quantity) in those orders. */
  revenue: number;
}

/** Site-wide figures for the range. */
export interface SiteKpis {
  /** Distinct visitors active in the range. */
  visitors: number;
  /** Visits: a new one after 30 minutes without a page view. */
  sessions: number;
  pageViews: number;
  orders: number;
  /** Distinct visitors with an order in the range. */
  buyers: number;
  /** buyers / visitors. */
  conversionRate: number;
  revenue: number;
  averageOrderValue: number;
  revenuePerVisitor: number;
  /** Share of the range's orders placed by customers who had ordered before. */
  repeatPurchaseRate: number;
  /** Trigger signals recorded, by event name (`Cart Abandoned`, …). */
  signals: { kind: string; count: number }[];
  /** Daily series for the KPI chart. */
  daily: { day: string; visitors: number; orders: number; revenue: number }[];
}

/** The whole report. */
export interface Report {
  site: string;
  /** First and last day of the range, inclusive. */
  from: string;
  to: string;
  /** The segment filter applied; null for everyone. */
  segment: string | null;
  /** Segments seen in the range, for the filter. */
  segments: string[];
  /** Credible/confidence level of every interval. */
  level: number;
  /** The currency most values were recorded in; null when none was given. */
  currency: string | null;
  generatedAt: string;
  /** Site-wide holdout against everyone else, by orders and revenue per visitor; null without site-holdout visitors. */
  siteUplift: UpliftReport | null;
  placements: PlacementReport[];
  quizzes: QuizReport[];
  rows: RowReport[];
  kpis: SiteKpis;
}
