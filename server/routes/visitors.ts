/**
 * The admin side of erasure, for a data-subject request: `DELETE /v1/visitors` erases
 * one person (by user id, e-mail or anonymous id) with every anonymous id stored events
 * link to them; `GET /v1/visitors/export` answers with everything held about them.
 * Both need the admin token.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { idProblem } from '../../src/core/limits';
import { isBusy } from '../database';
import type { VisitorIds } from '../erasure/store';
import { sendBadRequest, sendError, sendJson } from '../respond';
import type { RouteContext } from './context';
import { adminAllowed } from './admin-access';
import { querySite } from './query-site';

/**
 * The person a request names by exactly one of `anonymousId`, `userId` or (where
 * allowed) `email`, as all their ids; null after answering 400.
 */
async function personOf(url: URL, res: ServerResponse, ctx: RouteContext, site: string, allowEmail: boolean): Promise<VisitorIds | null> {
  const names = allowEmail ? ['anonymousId', 'userId', 'email'] : ['anonymousId', 'userId'];
  const given = names.filter((n) => url.searchParams.get(n));
  const fail = (path: string, message: string) => (sendBadRequest(res, [{ index: null, path, message }]), null);
  if (given.length !== 1) return fail(names.join('|'), `name the visitor by exactly one of ${names.map((n) => `?${n}=`).join(', ')}`);
  const [name] = given;
  const value = url.searchParams.get(name)!;
  if (name === 'email') {
    // The address itself is never echoed back or logged.
    if (value.length > 320 || !value.includes('@')) return fail('email', '?email= must be an e-mail address');
    const found = await ctx.visitors.idsOfEmail(site, value);
    // An e-mail found on a user id reaches that user's other devices too.
    const anonymous = new Set(found.anonymousIds);
    for (const user of found.userIds) ctx.visitors.anonymousIdsOf(site, user).forEach((id) => anonymous.add(id));
    return { anonymousIds: [...anonymous].sort(), userIds: found.userIds };
  }
  const problem = idProblem(value, name);
  if (problem) return fail(name, `?${name}= ${problem}`);
  if (name === 'userId') return { anonymousIds: ctx.visitors.anonymousIdsOf(site, value), userIds: [value] };
  // One device: what it wrote, not what its user did elsewhere (the export lists the user ids it is linked to).
  return { anonymousIds: [value], userIds: [] };
}

/**
 * `DELETE /v1/visitors?site=&userId=` (or `&email=`, or `&anonymousId=`): 200
 * `{ anonymousIds, userIds, erased: { events, … } }`. By user id, the anonymous ids
 * erased are those its stored events link to it; by e-mail, those of identify events
 * with that `traits.email` (kept, or removed as a sensitive trait and found by its
 * digest), and everything of the user ids found.
 */
export async function handleEraseVisitor(req: IncomingMessage, res: ServerResponse, url: URL, ctx: RouteContext): Promise<void> {
  req.resume();
  if (!adminAllowed(req, res, ctx, 'this endpoint')) return;
  const site = querySite(url, res);
  if (site === null) return;
  const ids = await personOf(url, res, ctx, site, true);
  if (ids === null) return;
  try {
    const erased = await ctx.erasure.erase(site, ids, ctx.clock());
    sendJson(res, 200, { anonymousIds: ids.anonymousIds, userIds: ids.userIds, erased });
  } catch (error) {
    if (!isBusy(error)) throw error;
    sendError(res, 503, 'the database is busy; nothing was erased, retry shortly', { 'Retry-After': '1' });
  }
}

/** `GET /v1/visitors/export?site=&anonymousId=` (or `&userId=`): everything held about the visitor (`VisitorExport`). */
export async function handleExportVisitor(req: IncomingMessage, res: ServerResponse, url: URL, ctx: RouteContext): Promise<void> {
  if (!adminAllowed(req, res, ctx, 'this endpoint')) return;
  const site = querySite(url, res);
  if (site === null) return;
  const ids = await personOf(url, res, ctx, site, false);
  if (ids === null) return;
  sendJson(res, 200, await ctx.visitors.export(site, ids));
}
