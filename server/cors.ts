/**
 * CORS: which web origins may call the collector from a browser.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendError } from './respond';
import { DEFAULT_SITE } from './site';
import type { SiteRegistry } from './sites';

/** What the CORS check did: let the request through, or answered it already (preflight or refusal). */
export type CorsOutcome = 'continue' | 'answered';

/** The origin of the demo shop, allowed when no origin is configured. */
export const DEMO_ORIGIN = 'http://127.0.0.1:5173';

const ALLOWED_METHODS = 'GET, HEAD, POST, OPTIONS';
// Authorization carries the write key (HTTP Basic), as it does for Segment and RudderStack.
const ALLOWED_HEADERS = 'Content-Type, If-None-Match, Authorization';

/**
 * True for a request from the collector's own pages: the browser says so in
 * Sec-Fetch-Site (which pages cannot set), or Origin names the host it was sent to.
 * Under `Referrer-Policy: no-referrer` Chromium sends `Origin: null` with a form's
 * same-origin POST, so Origin alone would refuse the dashboard's own sign-in.
 */
function sameOrigin(req: IncomingMessage, origin: string): boolean {
  if (req.headers['sec-fetch-site'] === 'same-origin') return true;
  const host = req.headers.host;
  if (!host || origin === 'null') return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/**
 * A CORS gate for the given origins (`"*"` allows any). A request from a browser
 * carries an Origin header; one from an origin not on the list is refused with 403,
 * preflight or not. Refusing (rather than only withholding the CORS headers) matters
 * for `text/plain` posts: they need no preflight, so without this any site could
 * write into another site's statistics. Requests without an Origin (servers, curl,
 * the benchmark) pass: CORS protects browsers, not the endpoint.
 *
 * With a sites file (`sites` not open), the origins are the requested site's own
 * (`?site=`, as the SDK sends on every call) and `origins` is not used. A site the
 * file does not name passes here without CORS headers: its handler refuses it (401
 * for writes, 404 for pulls), and the browser cannot read the answer either way.
 */
export function createCors(origins: readonly string[], sites?: SiteRegistry): (req: IncomingMessage, res: ServerResponse) => CorsOutcome {
  const listOf = (list: readonly string[]) => ({ any: list.includes('*'), allowed: new Set(list.map((o) => o.replace(/\/+$/, ''))) });
  const global = listOf(origins);
  // Per site, computed once: the settings do not change while the collector runs.
  const perSite = new Map((sites && !sites.open ? sites.all() : []).map((s) => [s.id, listOf(s.origins)]));
  const originsFor = (req: IncomingMessage) => {
    if (!sites || sites.open) return global;
    const site = new URL(req.url ?? '/', 'http://collector.invalid').searchParams.get('site') ?? DEFAULT_SITE;
    return perSite.get(site);
  };
  return (req, res) => {
    const origin = req.headers.origin;
    // Answers differ by Origin, so shared caches must key on it.
    res.setHeader('Vary', 'Origin');
    if (origin === undefined) return 'continue';
    // The collector's own pages (the dashboard's forms) are not cross-origin: browsers
    // send Origin on same-origin POSTs too. No CORS headers are needed for them.
    if (sameOrigin(req, origin)) return 'continue';
    const list = originsFor(req);
    if (!list) return 'continue';
    if (!list.any && !list.allowed.has(origin)) {
      const fix = list === global ? `start the collector with --origin ${origin}` : "add it to the site's origins in the sites file";
      sendError(res, 403, `origin ${origin} is not allowed; ${fix}`);
      return 'answered';
    }
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Expose-Headers', 'ETag');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'Access-Control-Allow-Methods': ALLOWED_METHODS,
        'Access-Control-Allow-Headers': ALLOWED_HEADERS,
        'Access-Control-Max-Age': '600',
        'Content-Length': '0',
      });
      res.end();
      return 'answered';
    }
    return 'continue';
  };
}
