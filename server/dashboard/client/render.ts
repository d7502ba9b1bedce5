/**
 * The report drawn as sections a site owner reads top to bottom: the site's figures,
 * then each placement (verdicts first, then the numbers, then the charts), quizzes
 * and recommendation rows. Every name from the data is set as text.
 */
import type { Formats } from '../format';
import type { PlacementReport, QuizReport, Report } from '../../report-types';
import {
  kpiDailyTable, kpiTable, orderedVariants, placementDailyTable, placementTable, quizFunnelTable, quizOutcomeTables, rowsTable, upliftDailyTable,
} from '../tables';
import { placementVerdicts, quizVerdict, TONE_LABEL, upliftVerdict, variantVerdict, type Verdict } from '../verdict';
import { conversionChart, placementUpliftChart, siteUpliftChart } from './charts';
import { el, type Child } from './dom';
import { renderTable } from './table';

/** Verdicts as a list; the tone is said in words (and only echoed by colour). */
function verdictList(verdicts: Verdict[], label: string): HTMLElement | null {
  if (!verdicts.length) return null;
  return el(
    'ul',
    { class: 'verdicts', 'aria-label': label },
    ...verdicts.map((v) => el('li', { class: `verdict tone-${v.tone}` }, el('strong', {}, `${TONE_LABEL[v.tone]}: `), v.text)),
  );
}

/** The daily table behind a chart, folded away: it is there for whoever needs the figures. */
const folded = (summary: string, ...content: Child[]) => el('details', {}, el('summary', {}, summary), ...content);

function kpiSection(report: Report, f: Formats): HTMLElement {
  const k = report.kpis;
  const tile = (label: string, value: string) => el('div', { class: 'tile' }, el('dt', {}, label), el('dd', {}, value));
  const section = el(
    'section',
    { 'aria-labelledby': 'kpi-heading' },
    el('h2', { id: 'kpi-heading' }, 'The whole site'),
    el(
      'dl',
      { class: 'tiles' },
      tile('Visitors', f.int(k.visitors)),
      tile('Orders', f.int(k.orders)),
      tile('Conversion rate', f.rate(k.conversionRate)),
      tile('Revenue', f.money(k.revenue)),
      tile('Average order', f.money(k.averageOrderValue)),
      tile('Revenue per visitor', f.money(k.revenuePerVisitor)),
    ),
  );
  if (report.siteUplift) {
    const table = upliftDailyTable(report.siteUplift, 'site-uplift-daily', 'Site-wide holdout: uplift per day');
    section.append(
      el('h3', {}, 'Personalisation across the site'),
      verdictList([upliftVerdict(report.siteUplift, f, 'Personalisation across the site')], 'Verdict on the site-wide holdout') ?? '',
      siteUpliftChart(report.siteUplift, f, table.caption) ?? '',
      folded('Uplift per day, as a table', renderTable(table, f, report.site)),
    );
  }
  section.append(renderTable(kpiTable(report), f, report.site), folded('Site figures per day', renderTable(kpiDailyTable(report), f, report.site)));
  return section;
}

function placementSection(p: PlacementReport, index: number, f: Formats, site: string): HTMLElement {
  const headingId = `placement-${index}-heading`;
  const daily = placementDailyTable(p, index);
  const verdicts = placementVerdicts(p, f);
  if (p.uplift) verdicts.push(upliftVerdict(p.uplift, f, 'This placement'));
  return el(
    'section',
    { class: 'placement', 'aria-labelledby': headingId },
    el('h3', { id: headingId }, p.placement),
    p.goals.length ? el('p', { class: 'goals' }, `Counted as a conversion: ${p.goals.join(', ')}.`) : null,
    verdictList(verdicts, `Verdict on ${p.placement}`),
    verdictList(orderedVariants(p).map((v) => variantVerdict(v, p.defaultVariant, f)), `Each variant of ${p.placement}`),
    renderTable(placementTable(p, index), f, site),
    conversionChart(p, f, daily.caption),
    placementUpliftChart(p, f, daily.caption),
    daily.rows.length ? folded('The charts’ figures, as a table', renderTable(daily, f, site)) : null,
  );
}

function quizSection(q: QuizReport, index: number, f: Formats, site: string): HTMLElement {
  const headingId = `quiz-${index}-heading`;
  const completion = q.started > 0 ? `${f.rate(q.completed / q.started)} of the ${f.int(q.started)} visitors who started it finished it.` : 'Nobody started it in this period.';
  return el(
    'section',
    { class: 'quiz', 'aria-labelledby': headingId },
    el('h3', { id: headingId }, q.quiz),
    el('p', {}, completion),
    verdictList([quizVerdict(q, f)], `Verdict on quiz ${q.quiz}`),
    renderTable(quizFunnelTable(q, index), f, site),
    ...quizOutcomeTables(q, index).map((t) => renderTable(t, f, site)),
  );
}

/** Draws `report` into `root`, replacing what was there. */
export function renderReport(root: HTMLElement, report: Report, f: Formats): void {
  const placements = el('section', { 'aria-labelledby': 'placements-heading' }, el('h2', { id: 'placements-heading' }, 'Placements'));
  if (report.placements.length === 0) placements.append(el('p', {}, 'No placement was seen in this period.'));
  report.placements.forEach((p, i) => placements.append(placementSection(p, i, f, report.site)));
  const quizzes = el('section', { 'aria-labelledby': 'quizzes-heading' }, el('h2', { id: 'quizzes-heading' }, 'Quizzes'));
  if (report.quizzes.length === 0) quizzes.append(el('p', {}, 'No quiz was started in this period.'));
  report.quizzes.forEach((q, i) => quizzes.append(quizSection(q, i, f, report.site)));
  const rows = el(
    'section',
    { 'aria-labelledby': 'rows-heading' },
    el('h2', { id: 'rows-heading' }, 'Recommendation rows'),
    report.rows.length ? renderTable(rowsTable(report.rows), f, report.site) : el('p', {}, 'No recommendation row was seen in this period.'),
  );
  root.replaceChildren(kpiSection(report, f), placements, quizzes, rows);
}
