/**
 * Guarding the collector's sockets: timeouts for slow headers, slow bodies and idle
 * keep-alive connections, and a cap on open connections. Without them, a few hundred
 * clients that connect and dribble bytes hold every file descriptor for Node's default
 * five minutes, and nothing (not even /healthz) is answered.
 */
import type { IncomingMessage, RequestListener, Server, ServerOptions, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { RepeatLog } from './repeat-log';
import { sendError } from './respond';

/** The limits, all in ms but the cap. */
export interface ConnectionLimits {
  /** Time for a request's headers to arrive, from the start of the request. */
  headersTimeoutMs: number;
  /** Time for a request's body to arrive once its headers have. */
  bodyTimeoutMs: number;
  /** How long an idle keep-alive connection stays open between requests. */
  keepAliveTimeoutMs: number;
  /** Open connections at most; past it, the oldest idle one is closed, or the new one refused. */
  maxConnections: number;
}

/**
 * Defaults: a browser's batch arrives in well under a second, so 10 s for headers and
 * for a body is generous; 5 s is Node's keep-alive default. 200 connections fit under a
 * 256 file descriptor limit with room for the database, the worker and the logs.
 */
export const DEFAULT_CONNECTION_LIMITS: Readonly<ConnectionLimits> = Object.freeze({
  headersTimeoutMs: 10_000,
  bodyTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 200,
});

/** Options for `http.createServer` that enforce the limits' timeouts. */
export function serverOptions(limits: ConnectionLimits): ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    // A backstop for the whole request; the body's own timeout (readBody) answers first, with a reason.
    requestTimeout: limits.headersTimeoutMs + limits.bodyTimeoutMs + 1000,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // Node checks the header and request timeouts on this interval (30 s by default), so a
    // timeout is only as exact as it: a quarter of the header timeout, at most a second.
    connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4))),
  };
}

// A response written straight to a socket: there is no ServerResponse before the request
// is parsed. The reason goes in the body, as in every other error answer of the collector.
function writeRaw(socket: Socket, status: string, reason: string, extra = ''): void {
  if (!socket.writable) return void socket.destroy();
  const body = JSON.stringify({ error: reason });
  socket.end(
    `HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Cache-Control: no-store\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  // A peer that never reads must not keep the socket half-open.
  setTimeout(() => socket.destroy(), 1000).unref();
}

/**
 * Wraps the request listener and watches `server`'s connections: counts them, sheds
 * the oldest idle one (no request in progress: a slow client still sending headers,
 * or a keep-alive connection between requests) with a 503 when a new one would pass
 * the cap, refuses the new one with a 503 when every connection is busy, and answers
 * requests that time out with a 408 saying which part was late. Returns the listener
 * to give the server.
 */
export function guardConnections(server: Server, limits: ConnectionLimits, listener: RequestListener, problem: RepeatLog): RequestListener {
  // Insertion order is age, so the first idle one found is the oldest.
  const open = new Set<Socket>();
  const inFlight = new Map<Socket, ServerResponse>();
  const refused = new WeakSet<Socket>();

  server.on('connection', (socket: Socket) => {
    if (open.size >= limits.maxConnections) {
      let idle: Socket | undefined;
      for (const s of open) if (!inFlight.has(s)) {
        idle = s;
        break;
      }
      problem('connection cap', `${limits.maxConnections} connections are open (the cap): ${idle ? 'closing the oldest idle one' : 'refusing new ones'} with 503`);
      if (idle) {
        open.delete(idle);
        refused.add(idle);
        writeRaw(idle, '503 Service Unavailable', `too many connections: this idle one was closed for a new one (at most ${limits.maxConnections})`, 'Retry-After: 1\r\n');
      } else {
        refused.add(socket);
        writeRaw(socket, '503 Service Unavailable', `too many connections (at most ${limits.maxConnections}) are busy; retry shortly`, 'Retry-After: 1\r\n');
        return;
      }
    }
    open.add(socket);
    socket.once('close', () => {
      open.delete(socket);
      inFlight.delete(socket);
    });
  });

  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    const response = inFlight.get(socket);
    if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      const reason = `the request was not received in time: headers are expected within ${limits.headersTimeoutMs} ms and a body within ${limits.bodyTimeoutMs} ms`;
      if (!response) writeRaw(socket, '408 Request Timeout', reason);
      else if (!response.headersSent) {
        response.setHeader('Connection', 'close');
        sendError(response, 408, reason);
      } else socket.destroy();
      return;
    }
    if (error.code === 'ECONNRESET' || response) return void socket.destroy();
    if (error.code === 'HPE_HEADER_OVERFLOW') writeRaw(socket, '431 Request Header Fields Too Large', 'the request headers are too large');
    else writeRaw(socket, '400 Bad Request', `malformed HTTP request (${error.code ?? error.message})`);
  });

  return (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    if (refused.has(socket)) return void socket.destroy();
    inFlight.set(socket, res);
    res.once('close', () => {
      if (inFlight.get(socket) === res) inFlight.delete(socket);
    });
    listener(req, res);
  };
}
