/**
 * Rate limits on writes: token buckets per client address (one token per request)
 * and per visitor id (one token per event), held in bounded LRU maps so that made-up
 * ids and addresses cannot grow memory. A write key is public, so these, not the key,
 * are what bound how much one client can send; the forgery caps in the aggregates
 * bound what it can move.
 */
import { createLru, type Lru } from './lru';

/** One bucket's shape: it holds `burst` tokens at most and regains `perSecond` a second. */
export interface BucketLimit {
  burst: number;
  perSecond: number;
}

/** The rate limits of a collector. */
export interface RateLimits {
  /** Requests to `POST /v1/batch` per client address. Default 600 at once, 50 a second. */
  perAddress: BucketLimit;
  /** Events per visitor id (`anonymousId`, else `userId`). Default 1,000 at once, 5 a second. */
  perVisitor: BucketLimit;
  /** Buckets held per kind, least recently used forgotten first (a forgotten one starts full). Default 100,000. */
  maxTracked: number;
}

/**
 * The defaults. A browser's sender posts a batch every few seconds, so 50 requests a
 * second is a large office behind one NAT address; 5 events a second per visitor is far
 * above what a person does, and the burst lets an outbox that waited offline drain.
 */
export const DEFAULT_RATE_LIMITS: RateLimits = {
  perAddress: { burst: 600, perSecond: 50 },
  perVisitor: { burst: 1000, perSecond: 5 },
  maxTracked: 100_000,
};

interface Bucket {
  tokens: number;
  at: number;
}

/** A set of buckets of one limit. */
export interface Buckets {
  /**
   * Takes `cost` tokens from each key's bucket if every one of them has enough, and
   * returns 0; otherwise takes none and returns the seconds until they all would.
   * A cost above the burst is charged as the burst (a full bucket passes it).
   */
  take(costs: ReadonlyMap<string, number>, now: number): number;
  /** Seconds until `key`'s bucket holds one token (0 when it does now); takes nothing. */
  wait(key: string, now: number): number;
}

/** Buckets for `limit`, at most `maxTracked` of them. */
export function createBuckets(limit: BucketLimit, maxTracked: number): Buckets {
  const held: Lru<string, Bucket> = createLru(maxTracked);
  const level = (key: string, now: number): Bucket => {
    const b = held.get(key);
    if (!b) return { tokens: limit.burst, at: now };
    // A clock that steps back refills nothing rather than draining.
    return { tokens: Math.min(limit.burst, b.tokens + (Math.max(0, now - b.at) / 1000) * limit.perSecond), at: Math.max(now, b.at) };
  };
  return {
    take(costs, now) {
      let wait = 0;
      const levels: [string, Bucket, number][] = [];
      for (const [key, n] of costs) {
        const b = level(key, now);
        const cost = Math.min(n, limit.burst);
        if (b.tokens < cost) wait = Math.max(wait, (cost - b.tokens) / limit.perSecond);
        levels.push([key, b, cost]);
      }
      if (wait > 0) return wait;
      for (const [key, b, cost] of levels) held.set(key, { tokens: b.tokens - cost, at: b.at });
      return 0;
    },
    wait(key, now) {
      const { tokens } = level(key, now);
      return tokens >= 1 ? 0 : (1 - tokens) / limit.perSecond;
    },
  };
}

/** The collector's write limits; absent where they are off. */
export interface WriteLimiter {
  /** Seconds to wait before this request may come (0: go on), charging its address. */
  request(address: string, now: number): number;
  /** Seconds to wait before these visitors' events may come (0: go on), charging them. */
  events(perVisitor: ReadonlyMap<string, number>, now: number): number;
}

/** A limiter with `limits` (each part defaulted). */
export function createWriteLimiter(limits: Partial<RateLimits> = {}): WriteLimiter {
  const { perAddress, perVisitor, maxTracked } = { ...DEFAULT_RATE_LIMITS, ...limits };
  const addresses = createBuckets(perAddress, maxTracked);
  const visitors = createBuckets(perVisitor, maxTracked);
  return {
    request: (address, now) => addresses.take(new Map([[address, 1]]), now),
    events: (perVisitorCosts, now) => visitors.take(perVisitorCosts, now),
  };
}
