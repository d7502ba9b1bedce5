/**
 * `GET /v1/report?site=&from=&to=&segment=`: the admin report (server/report-types.ts),
 * behind the admin token.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { idProblem } from '../../src/core/limits';
import { dayOf } from '../aggregates';
import { buildReport } from '../report';
import { configFacts } from '../report-config';
import { sendBadRequest, sendJson } from '../respond';
import type { RouteContext } from './context';
import { adminAllowed } from './admin-access';
import { querySite } from './query-site';

/** The longest range a report covers, in days: a year and a day, enough for a leap year's comparison. */
export const MAX_REPORT_DAYS = 366;
/** The default range: the last 30 days, today included. */
export const DEFAULT_REPORT_DAYS = 30;

// A real calendar day written YYYY-MM-DD, as its UTC day number; undefined otherwise.
function dayParameter(value: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const time = Date.parse(`${value}T00:00:00Z`);
  return Number.isFinite(time) && new Date(time).toISOString().startsWith(value) ? dayOf(time) : undefined;
}

/**
 * Answers as every admin endpoint does without access (routes/admin-access.ts), and
 * 400 naming the bad parameter.
 */
export async function handleReport(req: IncomingMessage, res: ServerResponse, url: URL, ctx: RouteContext): Promise<void> {
  if (!adminAllowed(req, res, ctx, 'the report')) return;
  const site = querySite(url, res);
  if (site === null) return;
  const problems: { index: null; path: string; message: string }[] = [];
  const day = (name: 'from' | 'to', fallback: number) => {
    const raw = url.searchParams.get(name);
    if (raw === null || raw === '') return fallback;
    const parsed = dayParameter(raw);
    if (parsed === undefined) problems.push({ index: null, path: name, message: `?${name}= must be a date written YYYY-MM-DD, not ${JSON.stringify(raw.slice(0, 40))}` });
    return parsed ?? fallback;
  };
  const toDay = day('to', dayOf(ctx.clock()));
  const fromDay = day('from', toDay - DEFAULT_REPORT_DAYS + 1);
  if (fromDay > toDay) problems.push({ index: null, path: 'from', message: '?from= must not be after ?to=' });
  else if (toDay - fromDay + 1 > MAX_REPORT_DAYS) problems.push({ index: null, path: 'from', message: `a report covers at most ${MAX_REPORT_DAYS} days` });
  const segment = url.searchParams.get('segment') || null;
  const segmentProblem = segment === null ? undefined : idProblem(segment, 'segment');
  if (segmentProblem) problems.push({ index: null, path: 'segment', message: `?segment= ${segmentProblem}` });
  if (problems.length) return sendBadRequest(res, problems);
  const served = ctx.config?.get(site);
  const report = buildReport({ site, fromDay, toDay, segment }, await ctx.report(site, fromDay, toDay), configFacts(served && JSON.parse(served.body)), ctx.clock());
  sendJson(res, 200, report);
}
