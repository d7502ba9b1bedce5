/**
 * `POST /v1/forget`: a device erases its own visitor, as the SDK's `forget()` asks.
 * Authenticated twice: the site's write key (as batches are), which scopes the site,
 * and the device's erasure secret, whose SHA-256 the collector stored from the first
 * batch of that anonymous id (trust on first use; server/README.md "Erasure" says what
 * that does and does not protect against).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { idProblem } from '../../src/core/limits';
import { readBody } from '../body';
import { isBusy } from '../database';
import { sendBadRequest, sendError, sendJson } from '../respond';
import { DEFAULT_SITE, siteProblem } from '../site';
import { carriedKey, writeRefusal } from '../write-key';
import type { RouteContext } from './context';

/** A forget request is a few ids and a secret: anything larger is not one. */
export const MAX_FORGET_BYTES = 4096;

// application/json from fetch; text/plain from a beacon at unload, which cannot set headers.
const ACCEPTED_TYPES = new Set(['application/json', 'text/plain']);

const bad = (res: ServerResponse, path: string, message: string) => sendBadRequest(res, [{ index: null, path, message }]);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Answers 200 `{ erased: { events, interactions, … } }` (rows deleted per table; all
 * zero when the collector held nothing of the visitor), 401 without the site's write
 * key, 403 when the secret does not match the registered one (or none is registered
 * for a visitor the collector holds rows of), nothing deleted; 400 for a malformed
 * request, 503 when the database is busy (retry).
 *
 * The user id, when given, is erased too only if every stored event of it came from
 * this anonymous id: one device proves only its own id, and must not erase what the
 * same account did elsewhere (that is the admin erasure's job, `DELETE /v1/visitors`).
 */
export async function handleForget(req: IncomingMessage, res: ServerResponse, url: URL, ctx: RouteContext): Promise<void> {
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (!ACCEPTED_TYPES.has(mediaType)) {
    req.resume();
    return bad(res, '', `Content-Type must be application/json or text/plain, not "${mediaType || 'none'}"`);
  }
  const body = await readBody(req, MAX_FORGET_BYTES, ctx.bodyTimeoutMs);
  if (!body.ok) {
    res.setHeader('Connection', 'close');
    if (body.reason === 'timeout') sendError(res, 408, `the body was not received within ${body.ms} ms; send it at once`);
    else if (body.reason === 'too-large') bad(res, '', `a forget request is at most ${MAX_FORGET_BYTES} bytes`);
    return;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.text);
  } catch {
    return bad(res, '', 'body is not well-formed JSON');
  }
  if (!isObject(parsed)) return bad(res, '', 'the body must be a JSON object { anonymousId, secret, userId? }');
  const site = url.searchParams.get('site') ?? parsed.site ?? DEFAULT_SITE;
  if (siteProblem(site)) return bad(res, 'site', `site ${siteProblem(site)}`);
  const refusal = writeRefusal(ctx.sites, site as string, carriedKey(req, parsed));
  if (refusal) return sendError(res, 401, refusal);
  const { anonymousId, userId, secret } = parsed;
  const problem =
    idProblem(anonymousId, 'anonymousId') ??
    (userId == null ? undefined : idProblem(userId, 'userId')) ??
    (typeof secret === 'string' && secret.length > 0 && secret.length <= 200 ? undefined : 'secret must be a string of 1-200 characters');
  if (problem) return bad(res, problem.startsWith('secret') ? 'secret' : problem.split(' ')[0], problem);
  const visitor = anonymousId as string;
  try {
    const check = ctx.erasure.verify(site as string, visitor, secret as string);
    if (check === 'wrong') return sendError(res, 403, 'the erasure secret does not match this visitor\'s; nothing was erased');
    // Nothing held, nothing to prove: the erasure below finds nothing, as after an erasure.
    if (check === 'none' && (await ctx.erasure.holdsAnything(site as string, visitor))) {
      return sendError(res, 403, 'no erasure secret is registered for this visitor; an admin can erase it (DELETE /v1/visitors); nothing was erased');
    }
    const user = check === 'ok' && typeof userId === 'string' && ctx.erasure.onlyFrom(site as string, userId, visitor) ? [userId] : [];
    const erased = await ctx.erasure.erase(site as string, { anonymousIds: [visitor], userIds: user }, ctx.clock());
    sendJson(res, 200, { erased });
  } catch (error) {
    if (!isBusy(error)) throw error;
    ctx.problem('database busy', 'database busy: another connection holds the write lock; answering POST /v1/forget with 503');
    sendError(res, 503, 'the database is busy; nothing was erased, retry shortly', { 'Retry-After': '1' });
  }
}
