/**
 * `POST /v1/batch`: validate a batch whole, then store it in one transaction.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from '../body';
import { MAX_BATCH_BYTES } from '../limits';
import { isBusy } from '../database';
import { sendBadRequest, sendError, sendJson } from '../respond';
import { erasureKeyOf } from '../erasure/batch-key';
import { withoutSensitiveTraits } from '../sensitive-traits';
import { validateBatch } from '../validate-batch';
import { carriedKey, writeRefusal } from '../write-key';
import type { RouteContext } from './context';

// application/json from fetch; text/plain from navigator.sendBeacon, which cannot send
// JSON's type without a CORS preflight that beacons do not wait for.
const ACCEPTED_TYPES = new Set(['application/json', 'text/plain']);

const requestError = (message: string, path = '') => [{ index: null, path, message }];

// Refuses before reading the body; closing the connection afterwards spares us
// draining a body of any size that we already know we will not use.
function refuseUnread(req: IncomingMessage, res: ServerResponse, message: string): void {
  req.resume();
  res.setHeader('Connection', 'close');
  sendBadRequest(res, requestError(message));
}

// 429 with Retry-After in whole seconds (at least 1), which the SDK's sender waits for.
function tooMany(res: ServerResponse, seconds: number, what: string): void {
  const after = Math.max(1, Math.ceil(seconds));
  sendError(res, 429, `${what}; nothing was stored, retry after ${after} s`, { 'Retry-After': String(after) });
}

/**
 * Handles `POST /v1/batch`: 200 `{ stored, duplicates, rejected }` with the valid
 * events stored and the others named by index, or 400 `{ errors }` with nothing stored
 * (a problem of the request itself, or not one valid event). Without a write key of
 * the site (or for a site not served), 401 `{ error }`; over a rate limit, 429 with
 * `Retry-After`; nothing is stored in either case.
 */
export async function handleBatch(req: IncomingMessage, res: ServerResponse, url: URL, ctx: RouteContext): Promise<void> {
  // Charged before anything is read, so a flood (or a key guesser) costs one map lookup a request.
  const wait = ctx.limiter?.request(req.socket.remoteAddress ?? '', ctx.clock());
  if (wait) {
    req.resume();
    res.setHeader('Connection', 'close');
    tooMany(res, wait, 'too many requests from this address');
    return;
  }
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (!ACCEPTED_TYPES.has(mediaType)) {
    refuseUnread(req, res, `Content-Type must be application/json or text/plain, not "${mediaType || 'none'}"`);
    return;
  }
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding !== 'identity') {
    refuseUnread(req, res, `Content-Encoding "${encoding}" is not supported; send the batch uncompressed`);
    return;
  }
  const body = await readBody(req, MAX_BATCH_BYTES, ctx.bodyTimeoutMs);
  if (!body.ok) {
    if (body.reason === 'timeout') {
      res.setHeader('Connection', 'close');
      sendError(res, 408, `the body was not received within ${body.ms} ms (${body.bytes} bytes arrived); send it at once`);
    } else if (body.reason === 'too-large') {
      // The client may still be sending; closing afterwards spares us reading the rest on a kept-alive socket.
      res.setHeader('Connection', 'close');
      sendBadRequest(res, requestError(`batch is ${body.bytes} bytes; at most ${MAX_BATCH_BYTES} are accepted`));
    }
    return;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.text);
  } catch (error) {
    sendBadRequest(res, requestError(`body is not well-formed JSON: ${(error as Error).message}`));
    return;
  }
  const now = ctx.clock();
  const key = carriedKey(req, parsed);
  // The batch's own site is checked before validation, so a wrong key hears 401, not
  // what is wrong with its events; sites named per event are checked once known.
  const named = url.searchParams.get('site') ?? (typeof (parsed as { site?: unknown })?.site === 'string' ? (parsed as { site: string }).site : null);
  const refusal = named === null ? null : writeRefusal(ctx.sites, named, key);
  if (refusal) return sendError(res, 401, refusal);
  const result = validateBatch(parsed, url.searchParams.get('site'), now);
  if (!result.ok) {
    sendBadRequest(res, result.errors);
    return;
  }
  if (named === null) {
    for (const site of new Set(result.events.map((e) => e.site))) {
      const problem = writeRefusal(ctx.sites, site, key);
      if (problem) return sendError(res, 401, problem);
    }
  }
  if (ctx.limiter) {
    const perVisitor = new Map<string, number>();
    for (const e of result.events) {
      const id = `${e.site}\0${e.anonymousId ?? e.userId}`;
      perVisitor.set(id, (perVisitor.get(id) ?? 0) + 1);
    }
    const visitorWait = ctx.limiter.events(perVisitor, now);
    if (visitorWait) return tooMany(res, visitorWait, 'too many events from one visitor');
  }
  let written;
  try {
    // Sensitive traits are taken out before anything is stored (server/sensitive-traits.ts).
    written = await ctx.store.storeBatch(withoutSensitiveTraits(result.events, ctx.sites.get), now, erasureKeyOf(parsed, result.events));
  } catch (error) {
    if (!isBusy(error)) throw error;
    // Another process (a backup, a shell) holds the write lock. Nothing was written: the
    // sender retries a 503, and deduplication makes the retry harmless.
    ctx.problem('database busy', `database busy: another connection holds the write lock; answering POST /v1/batch with 503 (${(error as Error).message})`);
    sendError(res, 503, 'the database is busy (another process holds its write lock); nothing was stored, retry shortly', { 'Retry-After': '1' });
    return;
  }
  sendJson(res, 200, { ...written, rejected: result.rejected });
}
