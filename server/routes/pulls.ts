/**
 * The pull endpoints the SDK polls in the background: `GET /v1/stats`,
 * `GET /v1/cooccurrence`, `GET /v1/popular` and `GET /v1/config`, all with ETags.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { etagOf, sendCacheable, sendError } from '../respond';
import { statsResponse } from '../stats';
import type { RouteContext } from './context';
import { querySite } from './query-site';

/** `GET /v1/stats?site=`: per placement, variant and segment, counts, rate and 95 % interval. */
export async function handleStats(req: IncomingMessage, res: ServerResponse, url: URL, ctx: RouteContext): Promise<void> {
  const site = querySite(url, res, ctx.sites);
  if (site === null) return;
  // Computed per request: one indexed read of a few rows and a quantile pair per row
  // (tens of microseconds each), cheaper than keeping a cache coherent.
  const body = JSON.stringify(statsResponse(site, await ctx.store.variantTotals(site)));
  sendCacheable(req, res, body, etagOf(body));
}

/** `GET /v1/cooccurrence?site=`: `{ [productId]: { viewed: [[id, score]…], bought: [[id, score]…] } }`. */
export async function handleCooccurrence(req: IncomingMessage, res: ServerResponse, url: URL, ctx: RouteContext): Promise<void> {
  const site = querySite(url, res, ctx.sites);
  if (site === null) return;
  const { body, etag } = (await ctx.tables.get(site)).cooccurrence;
  sendCacheable(req, res, body, etag);
}

/** `GET /v1/popular?site=`: `{ site, asOf, halfLifeDays, counts: { [productId]: n }, trending: { [productId]: n } }`. */
export async function handlePopular(req: IncomingMessage, res: ServerResponse, url: URL, ctx: RouteContext): Promise<void> {
  const site = querySite(url, res, ctx.sites);
  if (site === null) return;
  const { body, etag } = (await ctx.tables.get(site)).popular;
  sendCacheable(req, res, body, etag);
}

/** `GET /v1/config?site=`: the site's config from the config file, 304 when unchanged. */
export function handleConfig(req: IncomingMessage, res: ServerResponse, url: URL, ctx: RouteContext): void {
  const site = querySite(url, res, ctx.sites);
  if (site === null) return;
  if (!ctx.config) {
    sendError(res, 404, 'this collector was started without --config');
    return;
  }
  const served = ctx.config.get(site);
  if (!served) {
    sendError(res, 404, `no config for site "${site}"`);
    return;
  }
  sendCacheable(req, res, served.body, served.etag);
}
