/**
 * The `?site=` parameter of the pull endpoints.
 */
import type { ServerResponse } from 'node:http';
import { sendBadRequest, sendError } from '../respond';
import { DEFAULT_SITE, siteProblem } from '../site';
import type { SiteRegistry } from '../sites';

/**
 * The requested site (`"default"` when absent), or null after answering: 400 for an
 * invalid id, and, given the collector's `sites`, 404 for a site it does not serve.
 */
export function querySite(url: URL, res: ServerResponse, sites?: SiteRegistry): string | null {
  const site = url.searchParams.get('site') ?? DEFAULT_SITE;
  const problem = siteProblem(site);
  if (problem !== null) {
    sendBadRequest(res, [{ index: null, path: 'site', message: `?site= ${problem}` }]);
    return null;
  }
  if (sites && !sites.get(site)) {
    sendError(res, 404, `site "${site}" is not served by this collector`);
    return null;
  }
  return site;
}
