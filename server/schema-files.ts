/**
 * The published JSON Schemas (the package's schema/ folder), served at
 * `/schema/<file>` so that a config's `"$schema"` can name the collector's own URL,
 * and an editor or Ajv anywhere can fetch them: open CORS (they are public), the
 * schema media type, an ETag with `no-cache` (the names carry no version, so an
 * upgrade is seen at the next revalidation).
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { sendError } from './respond';

/** The path prefix the schemas are served under. */
export const SCHEMA_PATH = '/schema/';

// Bundled, this module is dist/collector.mjs; run from source it is server/schema-files.ts:
// either way the package's schema/ folder is one level up.
const FOLDER = new URL('../schema/', import.meta.url);
// A bare file name of a schema: no slash, no dot-dot, nothing else in the folder reachable.
const NAME = /^[a-z0-9][a-z0-9.-]*\.schema\.json$/;

const OPEN = { 'Access-Control-Allow-Origin': '*', 'Cache-Control': 'no-cache' };
const cache = new Map<string, { stamp: string; body: Buffer; etag: string }>();

async function load(name: string) {
  const file = fileURLToPath(new URL(name, FOLDER));
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) return undefined;
  const stamp = `${info.mtimeMs}:${info.size}`;
  const held = cache.get(name);
  if (held?.stamp === stamp) return held;
  const body = await readFile(file);
  const fresh = { stamp, body, etag: `"${createHash('sha1').update(body).digest('base64url').slice(0, 27)}"` };
  cache.set(name, fresh);
  return fresh;
}

/**
 * Answers `GET`, `HEAD` and `OPTIONS` on `/schema/<file>` for any origin (the router
 * sends these paths here before its CORS gate: a schema is public, like the docs).
 */
export async function handleSchema(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
  if (req.method === 'OPTIONS') {
    res.writeHead(204, { ...OPEN, 'Access-Control-Allow-Methods': 'GET, HEAD', 'Access-Control-Allow-Headers': 'If-None-Match', 'Content-Length': '0' });
    res.end();
    return;
  }
  req.resume();
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendError(res, 405, `${req.method} is not allowed on ${pathname}`, { ...OPEN, Allow: 'GET, HEAD, OPTIONS' });
    return;
  }
  const name = pathname.slice(SCHEMA_PATH.length);
  const schema = NAME.test(name) ? await load(name) : undefined;
  if (!schema) {
    sendError(res, 404, `no such schema: ${name}`, OPEN);
    return;
  }
  const headers = { ...OPEN, ETag: schema.etag, 'Access-Control-Expose-Headers': 'ETag' };
  const tags = req.headers['if-none-match'];
  if (tags && tags.split(',').some((t) => t.trim() === '*' || t.trim().replace(/^W\//, '') === schema.etag)) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Type': 'application/schema+json', 'Content-Length': schema.body.length });
  res.end(req.method === 'HEAD' ? undefined : schema.body);
}
