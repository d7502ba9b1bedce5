/**
 * Routing: CORS first, then method and path to a handler, and a 500 (retryable by
 * the SDK) for anything unexpected rather than a dropped connection.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CorsOutcome } from './cors';
import { DASHBOARD_ROUTES } from './dashboard/routes';
import { sendError, sendJson } from './respond';
import { handleSchema, SCHEMA_PATH } from './schema-files';
import { handleBatch } from './routes/batch';
import { handleCatalog } from './routes/catalog';
import type { RouteContext } from './routes/context';
import { handleForget } from './routes/forget';
import { handleReport } from './routes/report';
import { handleEraseVisitor, handleExportVisitor } from './routes/visitors';
import { handleConfig, handleCooccurrence, handlePopular, handleStats } from './routes/pulls';

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL, ctx: RouteContext) => void | Promise<void>;

const healthz: Handler = (_req, res) => sendJson(res, 200, { ok: true });

// Path → method → handler. HEAD is answered like GET (node drops the body).
const ROUTES: Record<string, Record<string, Handler>> = {
  '/healthz': { GET: healthz, HEAD: healthz },
  ...DASHBOARD_ROUTES,
  '/v1/batch': { POST: handleBatch },
  '/v1/forget': { POST: handleForget },
  '/v1/visitors': { DELETE: handleEraseVisitor },
  '/v1/visitors/export': { GET: handleExportVisitor },
  '/v1/stats': { GET: handleStats, HEAD: handleStats },
  '/v1/cooccurrence': { GET: handleCooccurrence, HEAD: handleCooccurrence },
  '/v1/popular': { GET: handlePopular, HEAD: handlePopular },
  '/v1/config': { GET: handleConfig, HEAD: handleConfig },
  '/v1/report': { GET: handleReport, HEAD: handleReport },
  '/v1/catalog': { PUT: handleCatalog },
};

/** The collector's request listener, for `http.createServer`. */
export function createRouter(
  ctx: RouteContext,
  cors: (req: IncomingMessage, res: ServerResponse) => CorsOutcome,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const fail = (error: unknown) => {
      // Keyed without the query string, so one fault hit through many URLs is still one problem.
      const what = `${req.method} ${(req.url ?? '').split('?')[0]} failed: ${(error as Error)?.message ?? error}`;
      // An admin erasure names the person by e-mail in the query: the address is never logged.
      const logged = (req.url ?? '').replace(/([?&]email=)[^&]*/gi, '$1…');
      ctx.problem(what, `${req.method} ${logged} failed: ${(error as Error)?.stack ?? error}`);
      if (!res.headersSent) sendError(res, 500, 'internal error; retry later');
      else res.destroy();
    };
    try {
      const url = new URL(req.url ?? '/', 'http://collector.invalid');
      // The schemas are public, for any origin: they pass before the CORS gate, which
      // would refuse a page of another site.
      if (url.pathname.startsWith(SCHEMA_PATH)) {
        handleSchema(req, res, url.pathname).catch(fail);
        return;
      }
      if (cors(req, res) === 'answered') return;
      const route = ROUTES[url.pathname];
      if (!route) {
        req.resume();
        sendError(res, 404, `no such endpoint: ${url.pathname}`);
        return;
      }
      const handler = route[req.method ?? ''];
      if (!handler) {
        req.resume();
        sendError(res, 405, `${req.method} is not allowed on ${url.pathname}`, { Allow: Object.keys(route).join(', ') });
        return;
      }
      const done = handler(req, res, url, ctx);
      if (done) done.catch(fail);
    } catch (error) {
      fail(error);
    }
  };
}
