// Nothing slow before the first paint: the first Intl.DateTimeFormat of a page costs about
// 18 ms, so the first stage never calls it. The second stage resolves the time zone and
// stores it for later pages; events recorded before then get it from the sender on their
// way out, so it still reaches every event.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AttuneEvent } from '../../src/index';
import { createInstance, type Attune, type Loaders } from '../../src/api/create';
import type { AttuneOptions } from '../../src/api/options';
import { setTimeZone } from '../../src/collect/context';
import { readStore, uniqueSite } from '../helpers';

const live: Attune[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  live.splice(0).forEach((attune) => attune.destroy());
  setTimeZone(undefined);
});

/** An instance whose second stage loads only once `open()` is called. */
function gated(options: AttuneOptions) {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const loaders = { stage2: () => gate.then(() => import('../../src/api/stage2')) } as unknown as Loaders;
  const attune = createInstance({ capture: false, ...options }, loaders);
  live.push(attune);
  return { attune, open };
}

const ZONE = new Intl.DateTimeFormat().resolvedOptions().timeZone;

describe('the time zone', () => {
  it('is not resolved by the first stage, and still reaches every event sent', async () => {
    const formats = vi.spyOn(Intl, 'DateTimeFormat');
    const sent: AttuneEvent[] = [];
    const site = uniqueSite();
    const { attune, open } = gated({ site, sync: { transport: async (batch) => void sent.push(...batch), intervalMs: 10 } });
    attune.page();
    attune.track('Early');
    await attune.ready;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(formats).not.toHaveBeenCalled();
    expect((await attune.export())!.events.map((e) => e.context.timezone)).toEqual([undefined, undefined]);
    // The second stage resolves it, and the sender adds it to the early events.
    open();
    await attune.flush();
    expect(formats).toHaveBeenCalled();
    attune.track('Late');
    await attune.flush();
    await vi.waitFor(() => expect(sent.map((e) => e.event ?? e.type)).toEqual(['page', 'Early', 'Late']));
    expect(sent.map((e) => e.context.timezone)).toEqual([ZONE, ZONE, ZONE]);
    // Stored for the next page, which has it before its first paint.
    await vi.waitFor(async () => expect(await readStore(site, 'state')).toContain(ZONE));
  });

  it('comes from storage on a later page, before the second stage', async () => {
    const site = uniqueSite();
    const first = gated({ site });
    first.open();
    await first.attune.flush();
    await vi.waitFor(async () => expect(await readStore(site, 'state')).toContain(ZONE));
    first.attune.destroy();
    setTimeZone(undefined);
    const formats = vi.spyOn(Intl, 'DateTimeFormat');
    const { attune } = gated({ site });
    await attune.ready;
    attune.track('Second page');
    expect((await attune.export())!.events.at(-1)!.context.timezone).toBe(ZONE);
    expect(formats).not.toHaveBeenCalled();
  });
});
