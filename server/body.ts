/**
 * Reading a request body with a size limit and a time limit.
 */
import type { IncomingMessage } from 'node:http';

/** The body as text, or the reason it was not read. */
export type BodyResult =
  | { ok: true; text: string }
  | { ok: false; reason: 'too-large' | 'aborted'; bytes: number }
  | { ok: false; reason: 'timeout'; bytes: number; ms: number };

// Past the limit, the rest of an oversized body is still read (and dropped) so that the
// client, usually still sending, can read our 400 instead of meeting a reset connection.
// Past this many times the limit the socket is cut: a hostile client cannot keep us reading.
const DRAIN_FACTOR = 8;

/**
 * Reads the body as UTF-8 text, up to `limit` bytes, within `timeoutMs` of being
 * called. A body over the limit, by Content-Length or by what arrives, resolves as
 * `too-large` at once (so the answer can be sent) while the rest is drained in the
 * background; one still incomplete after `timeoutMs` resolves as `timeout` (a client
 * dribbling bytes must not hold a connection for minutes); a request the client gave
 * up on resolves as `aborted`. The caller answers and closes the connection.
 */
export function readBody(req: IncomingMessage, limit: number, timeoutMs: number): Promise<BodyResult> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    let settled = false;
    const settle = (result: BodyResult) => {
      clearTimeout(timer);
      if (settled) return;
      settled = true;
      chunks.length = 0;
      resolve(result);
    };
    const timer = setTimeout(() => settle({ ok: false, reason: 'timeout', bytes, ms: timeoutMs }), timeoutMs);
    const declared = Number(req.headers['content-length']);
    if (declared > limit) settle({ ok: false, reason: 'too-large', bytes: declared });
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > limit * DRAIN_FACTOR) req.destroy();
      else if (bytes > limit) settle({ ok: false, reason: 'too-large', bytes });
      else if (!settled) chunks.push(chunk);
    });
    req.on('end', () => {
      if (!settled) settle({ ok: true, text: Buffer.concat(chunks, bytes).toString('utf8') });
    });
    req.on('error', (error) => {
      clearTimeout(timer);
      if (!settled) reject(error);
    });
    req.on('close', () => {
      if (!req.complete) settle({ ok: false, reason: 'aborted', bytes });
    });
  });
}
