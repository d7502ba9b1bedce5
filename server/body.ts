/**
 * Reading a request body with a size limit.
 */
import type { IncomingMessage } from 'node:http';

/** The body as text, or the reason it was not read. */
export type BodyResult = { ok: true; text: string } | { ok: false; reason: 'too-large' | 'aborted'; bytes: number };

// Past the limit, the rest of an oversized body is still read (and dropped) so that the
// client, usually still sending, can read our 400 instead of meeting a reset connection.
// Past this many times the limit the socket is cut: a hostile client cannot keep us reading.
const DRAIN_FACTOR = 8;

/**
 * Reads the body as UTF-8 text, up to `limit` bytes. A body over the limit, by
 * Content-Length or by what arrives, resolves as `too-large` at once (so the answer
 * can be sent) while the rest is drained in the background; a request the client
 * gave up on resolves as `aborted`.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    const tooLarge = (size: number) => {
      chunks.length = 0;
      resolve({ ok: false, reason: 'too-large', bytes: size });
    };
    const declared = Number(req.headers['content-length']);
    if (declared > limit) tooLarge(declared);
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > limit * DRAIN_FACTOR) req.destroy();
      else if (bytes > limit) tooLarge(bytes);
      else chunks.push(chunk);
    });
    req.on('end', () => {
      if (bytes <= limit && !(declared > limit)) resolve({ ok: true, text: Buffer.concat(chunks, bytes).toString('utf8') });
    });
    req.on('error', reject);
    req.on('close', () => {
      if (!req.complete) resolve({ ok: false, reason: 'aborted', bytes });
    });
  });
}
