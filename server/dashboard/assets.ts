/**
 * The dashboard's static files (its script and style sheets), built by rollup into
 * `dist/dashboard/` and served from there with their type, an ETag and `no-cache`:
 * names carry no hash, so browsers revalidate, which costs a 304 and never serves
 * a stale script after an upgrade. Files are read once and kept while unchanged.
 */
import { createHash } from 'node:crypto';
import { stat, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendError } from '../respond';
import { DASHBOARD_HEADERS } from './headers';

/** The files served under `/dashboard/`, and their types: nothing else on disk is reachable. */
export const DASHBOARD_ASSETS: Readonly<Record<string, string>> = {
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
  'uplot.css': 'text/css; charset=utf-8',
};

// Bundled, this module is dist/collector.mjs and the files are beside it in dashboard/;
// run from the TypeScript source (the tests), they are in dist/dashboard/ of the checkout.
const CANDIDATES = [new URL('./dashboard/', import.meta.url), new URL('../../dist/dashboard/', import.meta.url)];

interface Cached {
  mtimeMs: number;
  size: number;
  body: Buffer;
  etag: string;
}

const cache = new Map<string, Cached>();

async function load(name: string): Promise<Cached | undefined> {
  for (const dir of CANDIDATES) {
    const file = fileURLToPath(new URL(name, dir));
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) continue;
    const held = cache.get(file);
    if (held && held.mtimeMs === info.mtimeMs && held.size === info.size) return held;
    const body = await readFile(file);
    const fresh = { mtimeMs: info.mtimeMs, size: info.size, body, etag: `"${createHash('sha1').update(body).digest('base64url').slice(0, 27)}"` };
    cache.set(file, fresh);
    return fresh;
  }
  return undefined;
}

const matchesEtag = (header: string | undefined, etag: string) =>
  !!header && header.split(',').some((t) => t.trim() === '*' || t.trim().replace(/^W\//, '') === etag);

/** Answers `GET /dashboard/<name>` for one of {@link DASHBOARD_ASSETS}. */
export async function sendAsset(req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
  const type = DASHBOARD_ASSETS[name];
  const asset = type ? await load(name) : undefined;
  if (!type || !asset) {
    sendError(res, 404, `no such dashboard file: ${name}; was the collector built (npm run build)?`, { ...DASHBOARD_HEADERS });
    return;
  }
  const headers = { ...DASHBOARD_HEADERS, ETag: asset.etag, 'Cache-Control': 'no-cache' };
  if (matchesEtag(req.headers['if-none-match'], asset.etag)) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Type': type, 'Content-Length': asset.body.length });
  res.end(req.method === 'HEAD' ? undefined : asset.body);
}
