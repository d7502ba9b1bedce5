import type { AttuneEvent } from '../core/types';
import type { ErasureKey } from './erasure';

/** The body of a Segment `/v1/batch` call; `writeKey` in the body is how beacons authenticate. */
export interface BatchPayload {
  batch: AttuneEvent[];
  sentAt: string;
  writeKey?: string;
  /** The hash of the device's erasure secret, registered by the collector on first use (src/sync/erasure.ts). */
  erasureKey?: ErasureKey;
}

/** Wraps events in the Segment batch shape. */
export function batchPayload(events: AttuneEvent[], now: number, writeKey?: string, erasureKey?: ErasureKey): BatchPayload {
  const payload: BatchPayload = { batch: events, sentAt: new Date(now).toISOString() };
  if (writeKey) payload.writeKey = writeKey;
  if (erasureKey) payload.erasureKey = erasureKey;
  return payload;
}

/**
 * How many of `events`, from the first, fit in one body of at most `maxBytes`
 * (browsers refuse beacons and keepalive requests over 64 KB); at least one.
 */
export function countThatFits(events: AttuneEvent[], maxBytes: number): number {
  // 200 bytes cover the envelope; characters are counted as up to 3 UTF-8 bytes.
  let bytes = 200;
  let count = 0;
  while (count < events.length && (bytes += JSON.stringify(events[count]).length * 3 + 1) <= maxBytes) count++;
  return Math.max(1, count);
}
