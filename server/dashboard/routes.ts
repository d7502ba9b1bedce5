/**
 * The dashboard's routes: the page (`GET /dashboard`), signing in and out (`POST
 * /dashboard/login`, `POST /dashboard/logout`) and the static files. The data
 * itself comes from `GET /v1/report`, which the page's script fetches with the
 * session cookie, so the admin check lives in one place.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { readBody } from '../body';
import type { RouteContext } from '../routes/context';
import { DEFAULT_SITE, siteProblem } from '../site';
import { sendAsset } from './assets';
import { DASHBOARD_HEADERS } from './headers';
import { escapeHtml, offPage, shellPage, signInPage, type ShellQuery } from './page';

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL, ctx: RouteContext) => void | Promise<void>;

/** The sign-in form's body holds a token and a site id: a few hundred bytes. */
export const LOGIN_BODY_LIMIT = 4096;
/** Days shown when the URL names none: the last 30, today included. */
export const DEFAULT_RANGE_DAYS = 30;
const MAX_SEGMENT_LENGTH = 200;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

function sendHtml(res: ServerResponse, status: number, html: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    ...DASHBOARD_HEADERS,
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(html),
    // The page differs by who asks: never cached, by the browser or anything between.
    'Cache-Control': 'no-store',
    Vary: 'Cookie',
    ...headers,
  });
  res.end(res.req?.method === 'HEAD' ? undefined : html);
}

const validSite = (site: string | null | undefined) => (site != null && siteProblem(site) === null ? site : DEFAULT_SITE);
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The shell's query: the site, a valid date range (default the last 30 days) and the segment. */
export function shellQuery(url: URL, now: number): ShellQuery {
  const p = url.searchParams;
  const to = DAY.test(p.get('to') ?? '') && !Number.isNaN(Date.parse(p.get('to')!)) ? p.get('to')! : isoDay(now);
  const fallbackFrom = isoDay(Date.parse(to) - (DEFAULT_RANGE_DAYS - 1) * 86_400_000);
  const from = DAY.test(p.get('from') ?? '') && !Number.isNaN(Date.parse(p.get('from')!)) && p.get('from')! <= to ? p.get('from')! : fallbackFrom;
  const segment = p.get('segment');
  return { site: validSite(p.get('site')), from, to, segment: segment && segment.length <= MAX_SEGMENT_LENGTH ? segment : null };
}

/** True when the request came over TLS, directly or through a proxy that says so. */
export function overTls(req: IncomingMessage): boolean {
  if ((req.socket as TLSSocket).encrypted) return true;
  const proto = req.headers['x-forwarded-proto'];
  return typeof proto === 'string' && proto.split(',')[0].trim().toLowerCase() === 'https';
}

/**
 * Why a state-changing request is refused as cross-site, or null when it comes from
 * the dashboard itself. The SameSite=Strict cookie already keeps other sites from
 * riding the session; this also refuses a cross-site sign-in (login CSRF) and covers
 * browsers without SameSite. Sec-Fetch-Site, which pages cannot set, decides where
 * the browser sends it; Origin only where it does not (under `no-referrer`, Chromium
 * sends `Origin: null` even from the page's own form). Requests with neither header
 * (curl) pass: they carry no ambient credentials a site could borrow.
 */
export function crossSiteReason(req: IncomingMessage): string | null {
  const fetchSite = req.headers['sec-fetch-site'];
  if (typeof fetchSite === 'string') return fetchSite === 'same-origin' || fetchSite === 'none' ? null : `Sec-Fetch-Site is ${fetchSite}`;
  const origin = req.headers.origin;
  if (origin === undefined) return null;
  let host: string | undefined;
  try {
    host = new URL(origin).host;
  } catch {
    host = undefined;
  }
  return host !== undefined && host === req.headers.host ? null : `Origin ${origin} is not this collector`;
}

function refuseCrossSite(req: IncomingMessage, res: ServerResponse): boolean {
  const reason = crossSiteReason(req);
  if (reason === null) return false;
  req.resume();
  sendHtml(res, 403, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Refused</title></head><body><main><h1>Refused</h1><p>This form must be sent from the dashboard itself (${escapeHtml(reason)}).</p></main></body></html>`);
  return true;
}

/** `GET /dashboard`: the report shell when signed in, else the sign-in form, else the "off" page. */
export const handleDashboard: Handler = (req, res, url, ctx) => {
  const query = shellQuery(url, ctx.clock());
  switch (ctx.admin.check(req)) {
    case 'off': return sendHtml(res, 403, offPage());
    case 'ok': return sendHtml(res, 200, shellPage(query));
    case 'throttled': return sendHtml(res, 429, signInPage(query.site, 'throttled'), { 'Retry-After': String(ctx.admin.retryAfter(req)) });
    // A cookie that no longer matches: the token changed since it was set.
    case 'wrong': return sendHtml(res, 401, signInPage(query.site, 'expired'), { 'Set-Cookie': ctx.admin.clearCookie(overTls(req)) });
    default: return sendHtml(res, 200, signInPage(query.site));
  }
};

/** `/dashboard/` and other near misses go to the page itself. */
export const redirectToDashboard: Handler = (req, res, url) => {
  req.resume();
  res.writeHead(308, { ...DASHBOARD_HEADERS, Location: `/dashboard${url.search}`, 'Content-Length': 0 });
  res.end();
};

/** `POST /dashboard/login`: form-encoded `token` (and `site`); sets the session cookie and goes to the page. */
export const handleLogin: Handler = async (req, res, _url, ctx) => {
  if (refuseCrossSite(req, res)) return;
  if (!ctx.admin.enabled) {
    req.resume();
    return sendHtml(res, 403, offPage());
  }
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    req.resume();
    return sendHtml(res, 415, signInPage(DEFAULT_SITE, 'unreadable'));
  }
  const body = await readBody(req, LOGIN_BODY_LIMIT, ctx.bodyTimeoutMs);
  if (!body.ok) {
    const status = body.reason === 'too-large' ? 413 : 408;
    return sendHtml(res, status, signInPage(DEFAULT_SITE, 'unreadable'), { Connection: 'close' });
  }
  const form = new URLSearchParams(body.text);
  const site = validSite(form.get('site'));
  const verdict = ctx.admin.checkToken(req, form.get('token') ?? '');
  if (verdict === 'throttled') return sendHtml(res, 429, signInPage(site, 'throttled'), { 'Retry-After': String(ctx.admin.retryAfter(req)) });
  if (verdict !== 'ok') return sendHtml(res, 401, signInPage(site, 'wrong'));
  res.writeHead(303, {
    ...DASHBOARD_HEADERS,
    'Set-Cookie': ctx.admin.sessionCookie(overTls(req)),
    Location: `/dashboard?site=${encodeURIComponent(site)}`,
    'Cache-Control': 'no-store',
    'Content-Length': 0,
  });
  res.end();
};

/** `POST /dashboard/logout`: clears the cookie and goes back to the sign-in form. */
export const handleLogout: Handler = (req, res, _url, ctx) => {
  if (refuseCrossSite(req, res)) return;
  req.resume();
  res.writeHead(303, { ...DASHBOARD_HEADERS, 'Set-Cookie': ctx.admin.clearCookie(overTls(req)), Location: '/dashboard', 'Cache-Control': 'no-store', 'Content-Length': 0 });
  res.end();
};

/** A handler serving one of the dashboard's static files. */
export const assetHandler = (name: string): Handler => (req, res) => sendAsset(req, res, name);

/** The dashboard's routes, for the router's table: path → method → handler. */
export const DASHBOARD_ROUTES: Record<string, Record<string, Handler>> = {
  '/dashboard': { GET: handleDashboard, HEAD: handleDashboard },
  '/dashboard/': { GET: redirectToDashboard, HEAD: redirectToDashboard },
  '/dashboard/login': { POST: handleLogin },
  '/dashboard/logout': { POST: handleLogout },
  '/dashboard/app.js': { GET: assetHandler('app.js'), HEAD: assetHandler('app.js') },
  '/dashboard/app.css': { GET: assetHandler('app.css'), HEAD: assetHandler('app.css') },
  '/dashboard/uplot.css': { GET: assetHandler('uplot.css'), HEAD: assetHandler('uplot.css') },
};
