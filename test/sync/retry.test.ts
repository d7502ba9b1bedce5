import { describe, expect, it } from 'vitest';
import { isRetryable, parseRetryAfter, retryDelay, RETRY_BASE_MS, RETRY_MAX_MS } from '../../src/sync/retry';

describe('retryDelay', () => {
  it('doubles with each attempt, between half and all of the ceiling', () => {
    for (let attempt = 1; attempt <= 8; attempt++) {
      const ceiling = RETRY_BASE_MS * 2 ** (attempt - 1);
      expect(retryDelay(attempt, () => 0)).toBe(ceiling / 2);
      expect(retryDelay(attempt, () => 0.999999)).toBeCloseTo(ceiling, -1);
    }
    expect(retryDelay(1, () => 0.5)).toBe(750);
  });

  it('never waits more than five minutes of its own accord', () => {
    expect(retryDelay(40, () => 0.999999)).toBeLessThanOrEqual(RETRY_MAX_MS);
    expect(retryDelay(40, () => 0)).toBe(RETRY_MAX_MS / 2);
  });

  it('spreads retries that failed together', () => {
    let seed = 1;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const delays = new Set(Array.from({ length: 50 }, () => Math.round(retryDelay(5, random))));
    expect(delays.size).toBeGreaterThan(40);
  });

  it('waits at least as long as Retry-After asks', () => {
    expect(retryDelay(1, () => 0, 120_000)).toBe(120_000);
    expect(retryDelay(12, () => 1, 1_000)).toBeGreaterThan(1_000);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.UTC(2026, 10, 25, 12);
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('30', now)).toBe(30_000);
    expect(parseRetryAfter(' 5 ', now)).toBe(5_000);
    expect(parseRetryAfter(new Date(now + 90_000).toUTCString(), now)).toBe(90_000);
  });
  it('reads nothing from a missing, past or malformed header', () => {
    expect(parseRetryAfter(null, now)).toBe(0);
    expect(parseRetryAfter(new Date(now - 1000).toUTCString(), now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBe(0);
  });
});

describe('isRetryable', () => {
  it('retries timeouts, rate limits and server errors; not other client errors', () => {
    expect([408, 429, 500, 502, 503, 504].every(isRetryable)).toBe(true);
    expect([400, 401, 403, 404, 413, 422].some(isRetryable)).toBe(false);
  });
});
