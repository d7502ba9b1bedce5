/**
 * CORS: which web origins may call the collector from a browser.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendError } from './respond';

/** What the CORS check did: let the request through, or answered it already (preflight or refusal). */
export type CorsOutcome = 'continue' | 'answered';

/** The origin of the demo shop, allowed when no origin is configured. */
export const DEMO_ORIGIN = 'http://127.0.0.1:5173';

const ALLOWED_METHODS = 'GET, HEAD, POST, OPTIONS';
// Authorization is ignored here but allowed, so an SDK configured with a write key (for
// Segment or RudderStack) can be pointed at this collector unchanged.
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
 */
export function createCors(origins: readonly string[]): (req: IncomingMessage, res: ServerResponse) => CorsOutcome {
  const anyOrigin = origins.includes('*');
  const allowed = new Set(origins.map((o) => o.replace(/\/+$/, '')));
  return (req, res) => {
    const origin = req.headers.origin;
    // Answers differ by Origin, so shared caches must key on it.
    res.setHeader('Vary', 'Origin');
    if (origin === undefined) return 'continue';
    // The collector's own pages (the dashboard's forms) are not cross-origin: browsers
    // send Origin on same-origin POSTs too. No CORS headers are needed for them.
    if (sameOrigin(req, origin)) return 'continue';
    if (!anyOrigin && !allowed.has(origin)) {
      sendError(res, 403, `origin ${origin} is not allowed; start the collector with --origin ${origin}`);
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
