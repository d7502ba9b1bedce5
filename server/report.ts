/**
 * `buildReport`: the whole report of one site and range from its aggregate rows and
 * config. Pure: the route reads the rows (server/report-store.ts) and the config.
 */
import { probabilityToBeBest, sampleRatioMismatch } from '../src/stats';
import type { ConfigFacts, PlacementFacts } from './report-config';
import { dayString, groupFigures, rateLift, REPORT_LEVEL, revenueLift, round, sufficiency, sum, uplift } from './report-figures';
import { kpis, quizzes, rows as recommendationRows } from './report-site';
import type { CohortRow, ReportRows } from './report-store';
import type { PlacementReport, RatioCheck, Report, VariantReport } from './report-types';

/** What a report is asked for. */
export interface ReportQuery {
  site: string;
  fromDay: number;
  toDay: number;
  /** Only visitors first exposed in this segment (placements only); null for everyone. */
  segment: string | null;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function ratioChecks(facts: PlacementFacts | undefined, siteHoldout: number, treatment: Map<string, CohortRow[]>, people: CohortRow[]): RatioCheck[] {
  if (!facts) return [];
  const checks: RatioCheck[] = [];
  const check = (kind: RatioCheck['kind'], groups: string[], observed: number[], weights: number[]) => {
    const total = weights.reduce((a, b) => a + b, 0);
    if (!(total > 0) || observed.reduce((a, b) => a + b, 0) === 0) return;
    const r = sampleRatioMismatch(observed, weights);
    checks.push({ kind, groups, observed, expected: weights.map((w) => round(w / total)), pValue: round(r.pValue), mismatch: r.mismatch });
  };
  if (facts.weights) {
    const groups = Object.keys(facts.weights);
    check('weights', groups, groups.map((g) => sum(treatment.get(g) ?? []).visitors), groups.map((g) => facts.weights![g]));
  }
  // Site-holdout visitors are in every placement's holdout, so the share a placement
  // should see held out is both holdouts together.
  const held = siteHoldout + (1 - siteHoldout) * facts.holdout;
  if (held > 0) {
    const count = (grp: string) => sum(people.filter((r) => r.grp === grp)).visitors;
    check('holdout', ['treatment', 'holdout'], [count('treatment'), count('holdout')], [1 - held, held]);
  }
  return checks;
}

function placementReport(placement: string, rows: CohortRow[], people: CohortRow[], config: ConfigFacts): PlacementReport {
  const facts = config.placements.get(placement);
  const holdoutRows = rows.filter((r) => r.grp === 'holdout');
  const treatment = groupBy(
    rows.filter((r) => r.grp === 'treatment'),
    (r) => r.arm,
  );
  const arms = [...treatment.keys()].sort(byName);
  // The holdout sees the default, so without a config its variant names the default.
  const seenByHoldout = [...new Set(holdoutRows.map((r) => r.arm))];
  const defaultVariant = facts?.default ?? (seenByHoldout.length === 1 ? seenByHoldout[0] : null);
  const sums = arms.map((arm) => sum(treatment.get(arm)!));
  // Only the pool competes: a rule-targeted variant is shown to its own audience, and its
  // small, different audience would blur who wins among the variants that share visitors.
  const competing = arms.map((arm) => !facts?.targeted.has(arm));
  const pool = sums.filter((_, i) => competing[i]);
  const best = probabilityToBeBest(pool.map((s) => ({ visitors: s.visitors, conversions: s.converters })));
  const base = defaultVariant === null ? undefined : sums[arms.indexOf(defaultVariant)];
  let rank = 0;
  const variants: VariantReport[] = arms.map((arm, i) => {
    const isDefault = arm === defaultVariant;
    const compared = base && !isDefault;
    const at = competing[i] ? rank++ : -1;
    return {
      variant: arm,
      isDefault,
      targeted: !competing[i],
      ...groupFigures(treatment.get(arm)!),
      probabilityToBeBest: at < 0 ? null : round(best.probabilityBest[at]),
      expectedLoss: at < 0 ? null : round(best.expectedLoss[at]),
      lift: compared ? rateLift(base, sums[i]) : null,
      revenueLift: compared ? revenueLift(base, sums[i]) : null,
    };
  });
  const holdout = holdoutRows.length ? groupFigures(holdoutRows) : null;
  // Enough to name a winner: the two leading variants compared with each other.
  const ranked = pool.map((s, i) => [s, best.probabilityBest[i]] as const).sort((a, b) => b[1] - a[1]);
  return {
    placement,
    defaultVariant,
    goals: facts?.goals ?? [],
    variants,
    holdout,
    // Treatment against holdout by people: a visitor rules showed two variants is one visitor here.
    uplift: holdout && holdout.visitors > 0 ? uplift(people.filter((r) => r.grp === 'treatment'), people.filter((r) => r.grp === 'holdout')) : null,
    ratioChecks: ratioChecks(facts, config.siteHoldout, treatment, people),
    enoughData: ranked.length >= 2 ? sufficiency(ranked[1][0], ranked[0][0]) : { enough: false, visitorsNeeded: null },
  };
}

/** Builds the report of `query` from the rows read for it and the site's config facts. */
export function buildReport(query: ReportQuery, data: ReportRows, config: ConfigFacts, now: number): Report {
  const variantRows = data.cohorts.filter((r) => r.kind === 'variant');
  const segments = [...new Set(variantRows.map((r) => r.label).filter((s) => s !== ''))].sort(byName);
  const chosen = query.segment === null ? variantRows : variantRows.filter((r) => r.label === query.segment);
  const people = groupBy(
    data.cohorts.filter((r) => r.kind === 'placement' && (query.segment === null || r.label === query.segment)),
    (r) => r.subject,
  );
  const placements = [...groupBy(chosen, (r) => r.subject)]
    .sort((a, b) => byName(a[0], b[0]))
    .map(([id, rows]) => placementReport(id, rows, people.get(id) ?? [], config));
  const siteRows = data.cohorts.filter((r) => r.kind === 'site');
  const siteHoldout = siteRows.filter((r) => r.label === 'holdout');
  const currencies = data.counts.filter((c) => c.metric === 'order' && c.a !== '');
  const currencyOrders = groupBy(currencies, (c) => c.a);
  const currency = [...currencyOrders].map(([code, list]) => [code, list.reduce((n, c) => n + c.count, 0)] as const).sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
  return {
    site: query.site,
    from: dayString(query.fromDay),
    to: dayString(query.toDay),
    segment: query.segment,
    segments,
    level: REPORT_LEVEL,
    currency,
    generatedAt: new Date(now).toISOString(),
    siteUplift: siteHoldout.some((r) => r.visitors > 0) ? uplift(siteRows.filter((r) => r.label === 'treatment'), siteHoldout) : null,
    placements,
    quizzes: quizzes(data),
    rows: recommendationRows(data),
    kpis: kpis(data),
  };
}
