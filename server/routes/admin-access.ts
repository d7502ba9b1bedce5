/**
 * The admin endpoints' one answer to a request without access: 403 while no token is
 * configured (saying how to configure one), 429 with `Retry-After` once its address sent
 * too many wrong tokens (server/admin.ts), and 401 without the token or with a wrong one.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ADMIN_OFF_MESSAGE } from '../admin';
import { sendError } from '../respond';
import type { RouteContext } from './context';

/**
 * True when the request may use the admin endpoint; otherwise answers it (leaving its
 * body unread) and returns false. `what` names the endpoint in the 401's message.
 */
export function adminAllowed(req: IncomingMessage, res: ServerResponse, ctx: RouteContext, what: string): boolean {
  const access = ctx.admin.check(req);
  if (access === 'ok') return true;
  req.resume();
  if (access === 'off') sendError(res, 403, ADMIN_OFF_MESSAGE);
  else if (access === 'throttled') {
    const after = Math.max(1, ctx.admin.retryAfter(req));
    sendError(res, 429, `too many wrong admin tokens from this address; retry after ${after} s`, { 'Retry-After': String(after) });
  } else {
    const why = access === 'missing' ? `${what} needs the admin token` : 'the admin token is wrong';
    sendError(res, 401, `${why}: send Authorization: Bearer <token>`, { 'WWW-Authenticate': 'Bearer realm="attune"' });
  }
  return false;
}
