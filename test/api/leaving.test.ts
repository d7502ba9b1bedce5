// Leaving the page: from pagehide on no next task comes, so whatever was recorded and
// not yet written (a write waiting for its task, or queued behind one still under way)
// and whatever is recorded afterwards (web vitals at visibilitychange) is written at
// once. Timers are frozen here, as they are for a page that is going; IndexedDB runs.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AttuneEvent } from '../../src/index';
import { makeAttune, readStore, uniqueSite } from '../helpers';

afterEach(() => vi.useRealTimers());

const storedNames = async (site: string) => ((await readStore(site, 'events')) as AttuneEvent[]).map((e) => e.event).sort();
const settle = async (site: string, count: number) => {
  // Real time passes for IndexedDB (setImmediate), never for setTimeout.
  for (let i = 0; i < 200 && (await readStore(site, 'events')).length < count; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('leaving the page', () => {
  it('writes events waiting behind a write under way, and those recorded after pagehide, without another task', async () => {
    const site = uniqueSite();
    const { attune } = makeAttune({ site });
    await attune.ready;
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    attune.track('A');
    // A's write starts in the next task, and is under way when B is recorded.
    await vi.advanceTimersByTimeAsync(0);
    attune.track('B');
    dispatchEvent(new Event('pagehide'));
    attune.track('C');
    await settle(site, 3);
    expect(await storedNames(site)).toEqual(['A', 'B', 'C']);
  });
});
