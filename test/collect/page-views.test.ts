import { afterEach, describe, expect, it } from 'vitest';
import { capturePageViews } from '../../src/collect/page-views';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));
let stop: (() => void) | undefined;
afterEach(() => stop?.());

describe('capturePageViews', () => {
  it('reports the first view, then each real route change once', async () => {
    history.replaceState(null, '', '/start');
    const seen: string[] = [];
    stop = capturePageViews(() => seen.push(location.pathname + location.search + location.hash));
    // The first view a microtask later: what the caller does in this task comes first.
    expect(seen).toEqual([]);
    await Promise.resolve();
    expect(seen).toEqual(['/start']);

    history.pushState(null, '', '/a');
    await tick();
    history.pushState(null, '', '/b');
    history.replaceState(null, '', '/b'); // same task, same URL: one change
    await tick();
    history.replaceState({ scroll: 1 }, '', '/b'); // state only: no change
    await tick();
    history.pushState(null, '', '/b?page=2');
    await tick();
    history.pushState(null, '', '/b?page=2#reviews'); // an in-page anchor is not a route
    await tick();
    history.pushState(null, '', '/b#/settings'); // a hash route is
    await tick();
    expect(seen).toEqual(['/start', '/a', '/b', '/b?page=2', '/b#/settings']);
  });

  it('reports back and forward navigation (popstate)', async () => {
    history.replaceState(null, '', '/one');
    const seen: string[] = [];
    stop = capturePageViews(() => seen.push(location.pathname));
    await tick();
    history.pushState(null, '', '/two');
    await tick();
    // What the browser does on Back: the URL changes without pushState, then popstate fires.
    History.prototype.replaceState.call(history, null, '', '/one');
    dispatchEvent(new PopStateEvent('popstate'));
    await tick();
    expect(seen).toEqual(['/one', '/two', '/one']);
  });

  it('reports nothing once stopped, not even a first view or a change still waiting', async () => {
    history.replaceState(null, '', '/here');
    const seen: string[] = [];
    capturePageViews(() => seen.push('stopped at once'))();
    const stopLater = capturePageViews(() => seen.push(location.pathname));
    await tick();
    expect(seen).toEqual(['/here']);
    history.pushState(null, '', '/waiting');
    stopLater();
    await tick();
    expect(seen).toEqual(['/here']);
  });

  it('restores history methods when stopped', () => {
    const push = history.pushState;
    const stopNow = capturePageViews(() => {});
    expect(history.pushState).not.toBe(push);
    stopNow();
    expect(history.pushState).toBe(push);
  });
});
