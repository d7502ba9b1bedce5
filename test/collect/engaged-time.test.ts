import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { captureEngagedTime, IDLE_AFTER_MS } from '../../src/collect/engaged-time';

const setVisibility = (state: 'visible' | 'hidden') => {
  Object.defineProperty(document, 'visibilityState', { value: state, configurable: true });
  document.dispatchEvent(new Event('visibilitychange'));
};

describe('captureEngagedTime', () => {
  let capture: ReturnType<typeof captureEngagedTime>;
  const increments: number[] = [];
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000, toFake: ['Date'] });
    Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true });
    increments.length = 0;
    capture = captureEngagedTime((ms) => increments.push(ms));
  });
  afterEach(() => {
    capture.stop();
    vi.useRealTimers();
  });

  it('counts time while visible and active, up to 30 s after the last activity', () => {
    vi.advanceTimersByTime(10_000);
    dispatchEvent(new Event('keydown'));
    vi.advanceTimersByTime(120_000); // idle: only 30 s of this counts
    capture.flush();
    expect(increments).toEqual([10_000 + IDLE_AFTER_MS]);
  });

  it('does not count idle time twice across flushes', () => {
    vi.advanceTimersByTime(10_000);
    capture.flush();
    vi.advanceTimersByTime(90_000);
    capture.flush();
    expect(increments).toEqual([10_000, 20_000]); // 30 s after the page opened, and no more
  });

  it('stops counting while hidden, and reports on hiding', () => {
    vi.advanceTimersByTime(5_000);
    setVisibility('hidden');
    expect(increments).toEqual([5_000]);
    vi.advanceTimersByTime(60_000);
    setVisibility('visible');
    vi.advanceTimersByTime(2_000);
    capture.flush();
    expect(increments).toEqual([5_000, 2_000]);
  });

  it('reports nothing under a second', () => {
    vi.advanceTimersByTime(400);
    capture.flush();
    expect(increments).toEqual([]);
    vi.advanceTimersByTime(700);
    capture.flush();
    expect(increments).toEqual([1_100]);
  });
});
