/**
 * The `?site=` parameter of the pull endpoints.
 */
import type { ServerResponse } from 'node:http';
import { sendBadRequest } from '../respond';
import { DEFAULT_SITE, siteProblem } from '../site';

/** The requested site (`"default"` when absent), or null after answering 400 for an invalid one. */
export function querySite(url: URL, res: ServerResponse): string | null {
  const site = url.searchParams.get('site') ?? DEFAULT_SITE;
  const problem = siteProblem(site);
  if (problem === null) return site;
  sendBadRequest(res, [{ index: null, path: 'site', message: `?site= ${problem}` }]);
  return null;
}
