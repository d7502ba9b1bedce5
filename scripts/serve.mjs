// A tiny static file server for the demo and the end-to-end tests: node:http only,
// no dependencies. It serves a request from the first root that has the file.
import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';

/** Content types by file extension; anything else is served as bytes. */
export const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
};

/**
 * The path segments of a request URL, or `null` when it is not a safe relative
 * path (`..`, encoded slashes or backslashes, NUL bytes, bad percent-encoding).
 */
export function safeSegments(url) {
  // The raw path, not a URL-normalised one, so "/../x" is refused rather than quietly resolved.
  const pathname = String(url).split(/[?#]/, 1)[0];
  if (!pathname.startsWith('/')) return null;
  const segments = [];
  for (const raw of pathname.split('/')) {
    let segment;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (segment === '..' || /[\\/\0]/.test(segment)) return null;
    if (segment && segment !== '.') segments.push(segment);
  }
  // "/" and "/dir/" mean the folder's index.html.
  if (!segments.length || pathname.endsWith('/')) segments.push('index.html');
  return segments;
}

/** The first existing regular file for `segments` under one of `roots`, or undefined. */
async function findFile(roots, segments) {
  for (const root of roots) {
    const file = join(root, ...segments);
    // Belt and braces: whatever the segments were, never leave the root.
    if (!file.startsWith(root + sep)) continue;
    const info = await stat(file).catch(() => undefined);
    if (info?.isFile()) return { file, size: info.size };
  }
  return undefined;
}

const send = (res, status, text) => {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(text);
};

/**
 * Starts a static file server. `port` 0 picks a free port.
 *
 * @param {{ roots: string[], host?: string, port?: number }} options
 * @returns {Promise<{ url: string, port: number, close(): Promise<void> }>}
 */
export async function startStaticServer({ roots, host = '127.0.0.1', port = 0 }) {
  if (!Array.isArray(roots) || !roots.length) throw new Error('startStaticServer: roots must list at least one folder');
  const absoluteRoots = roots.map((root) => resolve(root));

  const server = createServer(async (req, res) => {
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('Allow', 'GET, HEAD');
        return send(res, 405, 'Method Not Allowed\n');
      }
      const segments = safeSegments(req.url ?? '/');
      if (!segments) return send(res, 400, 'Bad Request\n');
      const found = await findFile(absoluteRoots, segments);
      if (!found) return send(res, 404, 'Not Found\n');
      res.writeHead(200, {
        'Content-Type': CONTENT_TYPES[extname(found.file).toLowerCase()] ?? 'application/octet-stream',
        'Content-Length': found.size,
        // A development server: always serve the latest build.
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      });
      if (req.method === 'HEAD') return res.end();
      createReadStream(found.file)
        .on('error', () => res.destroy())
        .pipe(res);
    } catch {
      if (!res.headersSent) send(res, 500, 'Internal Server Error\n');
      else res.destroy();
    }
  });

  await new Promise((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  const actualPort = server.address().port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${actualPort}`,
    port: actualPort,
    close: () =>
      new Promise((resolveClose) => {
        server.close(() => resolveClose());
        // Keep-alive connections from a browser would hold close() open otherwise.
        server.closeAllConnections();
      }),
  };
}
