/**
 * Writing JSON responses, with ETag revalidation for the pull endpoints.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ValidationError } from './validate-event';

/** Sends `value` as JSON with the given status. */
export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(body);
}

/** Sends a 400 listing what is wrong, per event index: `{ errors: [{ index, path, message }] }`. */
export function sendBadRequest(res: ServerResponse, errors: ValidationError[]): void {
  sendJson(res, 400, { errors });
}

/** Sends `{ error }` with the given status, for failures that are not about one event. */
export function sendError(res: ServerResponse, status: number, error: string, headers?: Record<string, string>): void {
  sendJson(res, status, { error }, headers);
}

/** A strong ETag for a body: a quoted, truncated SHA-1 of its bytes. */
export function etagOf(body: string): string {
  return `"${createHash('sha1').update(body).digest('base64url').slice(0, 27)}"`;
}

// If-None-Match holds "*" or a comma-separated list of tags, possibly weak (W/"…");
// weak comparison is what RFC 9110 prescribes for this header.
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === etag;
  });
}

/**
 * Sends a JSON body with its ETag, or a bodiless 304 when the request's
 * If-None-Match already has it. `no-cache` makes browsers revalidate every time,
 * which costs one small round trip and never serves stale statistics or config.
 */
export function sendCacheable(req: IncomingMessage, res: ServerResponse, body: string, etag: string): void {
  const headers = { ETag: etag, 'Cache-Control': 'no-cache' };
  if (matches(req.headers['if-none-match'], etag)) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(req.method === 'HEAD' ? undefined : body);
}
