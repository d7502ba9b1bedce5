/**
 * `PUT /v1/catalog?site=` (admin token): the site pushes its whole catalog, in the
 * SDK's format (docs/recommend.md), checked by the SDK's own `validateCatalog`.
 * Any error refuses the push (400, every problem with its JSON path, nothing stored),
 * since a product skipped here would read as removed; warnings are answered with the
 * stored catalog. What changed queues Back In Stock, Price Drop and New Arrival.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { validateCatalog } from '../../src/recommend/catalog';
import { readBody } from '../body';
import { isBusy } from '../database';
import { sendBadRequest, sendError, sendJson } from '../respond';
import type { RouteContext } from './context';
import { adminAllowed } from './admin-access';
import { querySite } from './query-site';

/** The largest catalog accepted, in bytes (about 20,000 products of 400 bytes). */
export const MAX_CATALOG_BYTES = 8 * 1024 * 1024;

/** Handles the push: 200 `{ products, added, changed, removed, jobs, warnings }`. */
export async function handleCatalog(req: IncomingMessage, res: ServerResponse, url: URL, ctx: RouteContext): Promise<void> {
  if (!adminAllowed(req, res, ctx, 'a catalog push')) return;
  const site = querySite(url, res);
  if (site === null) return void req.resume();
  if (!ctx.sites.get(site)) {
    req.resume();
    return sendError(res, 404, `site "${site}" is not served by this collector`);
  }
  const body = await readBody(req, MAX_CATALOG_BYTES, ctx.bodyTimeoutMs);
  if (!body.ok) {
    if (body.reason === 'aborted') return;
    res.setHeader('Connection', 'close');
    if (body.reason === 'timeout') return sendError(res, 408, `the body was not received within ${body.ms} ms`);
    return sendBadRequest(res, [{ index: null, path: '', message: `the catalog is ${body.bytes} bytes; at most ${MAX_CATALOG_BYTES} are accepted` }]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.text);
  } catch (error) {
    return sendBadRequest(res, [{ index: null, path: '', message: `body is not well-formed JSON: ${(error as Error).message}` }]);
  }
  const { products, problems } = validateCatalog(parsed);
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length) return sendBadRequest(res, errors.map((p) => ({ index: null, path: p.path, message: p.message })));
  let changes;
  try {
    changes = ctx.triggers.catalog.replace(site, products, ctx.clock());
  } catch (error) {
    if (!isBusy(error)) throw error;
    return sendError(res, 503, 'the database is busy (another process holds its write lock); nothing was stored, retry shortly', { 'Retry-After': '1' });
  }
  sendJson(res, 200, { ...changes, warnings: problems.map((p) => ({ path: p.path, message: p.message })) });
}
