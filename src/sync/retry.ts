/** The first retry waits about this long; each failure doubles it. */
export const RETRY_BASE_MS = 1000;
/** No retry waits longer than this, unless the server's Retry-After says so. */
export const RETRY_MAX_MS = 5 * 60_000;

/**
 * How long to wait before retry number `attempt` (1, 2, …): exponential backoff
 * with "equal jitter" (half fixed, half random), so tabs and devices that failed
 * together do not retry together; never sooner than the server's Retry-After.
 */
export function retryDelay(attempt: number, random: () => number, retryAfterMs = 0): number {
  const ceiling = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (attempt - 1));
  return Math.max(retryAfterMs, ceiling / 2 + (random() * ceiling) / 2);
}

/** Reads a Retry-After header (seconds, or an HTTP date) as milliseconds from `now`. */
export function parseRetryAfter(value: string | null, now: number): number {
  if (!value) return 0;
  const ms = /^\d+$/.test(value.trim()) ? +value * 1000 : Date.parse(value) - now;
  return ms > 0 ? ms : 0;
}

/** Whether a failed HTTP status is worth retrying: timeouts, rate limits and server errors. */
export const isRetryable = (status: number): boolean => status === 408 || status === 429 || status >= 500;
