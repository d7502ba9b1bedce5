import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createAttune, type AttuneEvent } from '../../src/index';
import { makeAttune, readStore, uniqueSite } from '../helpers';

const restores: (() => void)[] = [];
afterEach(() => restores.splice(0).forEach((restore) => restore()));
const databaseNames = async () => (await indexedDB.databases()).map((d) => d.name);

describe('createAttune', () => {
  it('records events into IndexedDB and answers profile() at once', async () => {
    const site = uniqueSite();
    const { attune, errors } = makeAttune({ site });
    attune.productViewed({ product_id: 'p1', category: 'shoes', tags: ['eco'], price: 80 });
    expect(attune.profile().affinities.categories).toEqual({ shoes: 1 });
    attune.track('Signed Up', { plan: 'pro' });
    await attune.flush();
    const events = (await readStore(site, 'events')) as AttuneEvent[];
    expect(events.map((e) => e.event)).toEqual(['Product Viewed', 'Signed Up']);
    expect(events[1]).toMatchObject({ type: 'track', properties: { plan: 'pro' }, anonymousId: attune.profile().anonymousId });
    expect(events[1].context.page.url).toBe(location.href);
    const state = ((await readStore(site, 'state')) as { counters?: Record<string, number> }[]).find((value) => value.counters)!;
    expect(state.counters).toEqual({ 'Product Viewed': 1, 'Signed Up': 1 });
    expect(errors).toEqual([]);
  });

  it('carries the profile and anonymous id over to the next page load', async () => {
    const site = uniqueSite();
    const first = makeAttune({ site }).attune;
    await first.ready;
    first.productAdded({ product_id: 'p1', price: 10, category: 'socks' });
    await first.flush();
    const { anonymousId } = first.profile();

    const second = makeAttune({ site }).attune;
    // Recorded before storage is read: learned into the stored profile once it is.
    second.productViewed({ product_id: 'p2', category: 'socks' });
    await second.ready;
    const profile = second.profile();
    expect(profile.anonymousId).toBe(anonymousId);
    expect(profile.events).toBe(2);
    expect(profile.cart.items.map((i) => i.product_id)).toEqual(['p1']);
    expect(profile.affinities.categories.socks).toBeCloseTo(4, 3);
    await second.flush();
    const events = (await readStore(site, 'events')) as AttuneEvent[];
    expect(events.map((e) => e.anonymousId)).toEqual([anonymousId, anonymousId]);
  });

  it('identify ties later events to the user and keeps traits', async () => {
    const site = uniqueSite();
    const { attune } = makeAttune({ site });
    attune.identify('user-42', { plan: 'pro' });
    attune.track('Upgraded');
    await attune.flush();
    const events = (await readStore(site, 'events')) as AttuneEvent[];
    expect(events.map((e) => [e.type, e.userId])).toEqual([
      ['identify', 'user-42'],
      ['track', 'user-42'],
    ]);
    expect(attune.profile()).toMatchObject({ userId: 'user-42', traits: { plan: 'pro' } });
  });

  it('tells listeners of each recorded event; a throwing listener harms nothing', async () => {
    const { attune, errors } = makeAttune();
    const names: string[] = [];
    attune.on('event', () => {
      throw new Error('listener bug');
    });
    const off = attune.on('event', (e) => names.push(e.event ?? e.type));
    attune.track('One');
    await attune.ready;
    attune.track('Two');
    off();
    attune.track('Three');
    expect(names).toEqual(['One', 'Two']);
    expect(errors.filter((e) => e.code === 'listener')).toHaveLength(3);
  });

  it('exports everything it holds', async () => {
    const { attune } = makeAttune();
    attune.track('A', { n: 1 });
    await attune.flush();
    attune.track('B');
    const data = await attune.export();
    expect(data).toMatchObject({ consent: 'granted', storage: 'indexeddb', anonymousId: attune.profile().anonymousId, userId: null });
    expect(data!.events.map((e) => e.event)).toEqual(['A', 'B']);
    expect(data!.profile.counters).toEqual({ A: 1, B: 1 });
  });

  it('forget deletes the database and starts afresh with a new anonymous id', async () => {
    const site = uniqueSite();
    const { attune } = makeAttune({ site });
    attune.track('Before');
    await attune.flush();
    const oldId = attune.profile().anonymousId;
    expect(await databaseNames()).toContain(`attune-${site}`);
    await attune.forget();
    expect(await databaseNames()).not.toContain(`attune-${site}`);
    expect(attune.profile()).toMatchObject({ events: 0, counters: {} });
    expect(attune.profile().anonymousId).not.toBe(oldId);
    attune.track('After');
    await attune.flush();
    const events = (await readStore(site, 'events')) as AttuneEvent[];
    expect(events.map((e) => [e.event, e.anonymousId])).toEqual([['After', attune.profile().anonymousId]]);
  });
});

describe('consent', () => {
  it('with requireConsent, keeps events in memory only, then writes them once granted', async () => {
    const site = uniqueSite();
    const { attune } = makeAttune({ site, requireConsent: true });
    expect(attune.consent()).toBe('pending');
    attune.track('Waiting', { n: 1 });
    await attune.ready;
    await attune.flush();
    expect(await databaseNames()).not.toContain(`attune-${site}`);
    expect(attune.profile().counters).toEqual({ Waiting: 1 });
    expect(attune.consent('granted')).toBe('granted');
    await attune.flush();
    const events = (await readStore(site, 'events')) as AttuneEvent[];
    expect(events.map((e) => e.event)).toEqual(['Waiting']);
  });

  it('keeps at most 100 pending events, dropping the oldest and saying so', async () => {
    const site = uniqueSite();
    const { attune, errors } = makeAttune({ site, requireConsent: true });
    for (let i = 0; i < 105; i++) attune.track('E', { i });
    expect(errors.filter((e) => e.code === 'consent-pending')).toHaveLength(5);
    attune.consent('granted');
    await attune.flush();
    const events = (await readStore(site, 'events')) as AttuneEvent[];
    expect(events).toHaveLength(100);
    expect(events[0].properties).toEqual({ i: 5 });
  });

  it('drops pending events when denied, and records nothing after', async () => {
    const site = uniqueSite();
    const { attune } = makeAttune({ site, requireConsent: true });
    attune.track('Never');
    attune.consent('denied');
    attune.track('Never either');
    await attune.flush();
    expect(attune.profile().events).toBe(0);
    expect((await attune.export())!.events).toEqual([]);
    expect(await databaseNames()).not.toContain(`attune-${site}`);
  });

  it('treats Global Privacy Control and Do Not Track as a refusal unless the site overrides it', async () => {
    for (const [key, value] of [
      ['globalPrivacyControl', true],
      ['doNotTrack', '1'],
    ] as const) {
      Object.defineProperty(navigator, key, { value, configurable: true });
      restores.push(() => delete (navigator as unknown as Record<string, unknown>)[key]);
      const refused = makeAttune().attune;
      refused.track('Nope');
      expect(refused.consent()).toBe('denied');
      expect(refused.profile().events).toBe(0);

      const overridden = makeAttune({ respectPrivacySignals: false }).attune;
      overridden.track('Yes');
      expect(overridden.consent()).toBe('granted');
      expect(overridden.profile().events).toBe(1);

      const asked = makeAttune().attune;
      asked.consent('granted');
      asked.track('Yes');
      await asked.flush();
      expect((await asked.export())!.events.map((e) => e.event)).toEqual(['Yes']);
      restores.splice(0).forEach((restore) => restore());
    }
  });
});

describe('storage failures', () => {
  it('keeps working in memory when IndexedDB is missing, and reports it once', async () => {
    const saved = globalThis.indexedDB;
    // @ts-expect-error simulating a browser without IndexedDB
    delete globalThis.indexedDB;
    restores.push(() => (globalThis.indexedDB = saved));
    const { attune, errors } = makeAttune();
    attune.track('One');
    attune.track('Two');
    await attune.flush();
    const data = await attune.export();
    expect(data!.storage).toBe('memory');
    expect(data!.events.map((e) => e.event)).toEqual(['One', 'Two']);
    expect(errors.map((e) => e.code)).toEqual(['storage-unavailable']);
  });
});

describe('the host page comes first', () => {
  it('reports bad arguments with their path instead of throwing', () => {
    const { attune, errors } = makeAttune();
    attune.track('');
    attune.track(42 as never);
    attune.identify(7 as never);
    attune.consent('maybe' as never);
    expect(errors.map((e) => [e.code, e.path])).toEqual([
      ['invalid-argument', 'track.event'],
      ['invalid-argument', 'track.event'],
      ['invalid-argument', 'identify.userId'],
      ['invalid-argument', 'consent'],
    ]);
    expect(attune.profile().events).toBe(0);
  });

  it('refuses an oversized event and records the rest', async () => {
    const { attune, errors } = makeAttune();
    attune.track('Huge', { blob: 'x'.repeat(40_000) });
    attune.track('Small');
    await attune.flush();
    expect(errors.map((e) => e.code)).toEqual(['too-large']);
    expect((await attune.export())!.events.map((e) => e.event)).toEqual(['Small']);
  });

  it('never throws, whatever any public method is given', async () => {
    const { attune } = makeAttune();
    const methods = [
      ...['track', 'page', 'identify', 'productViewed', 'productAdded', 'productRemoved', 'checkoutStarted', 'orderCompleted', 'profile', 'consent', 'on'],
      ...['decide', 'viewed', 'setConfig', 'setStats', 'stats', 'addQuiz', 'mountQuiz', 'catalog', 'mountWidgets', 'outboxSize'],
    ] as const;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...methods), fc.array(fc.anything({ withBigInt: true, withDate: true, withMap: true }), { maxLength: 3 }), async (method, args) => {
        let result: unknown;
        expect(() => (result = (attune[method] as (...a: unknown[]) => unknown)(...args))).not.toThrow();
        // Nor does a promise it returns reject.
        if (result instanceof Promise) await result;
      }),
      { numRuns: 300 },
    );
    await expect(attune.flush()).resolves.toBeUndefined();
    await expect(attune.export()).resolves.toBeDefined();
  });

  it('captures the first page view and tracked clicks when capture is on', async () => {
    document.body.innerHTML = '<button id="b" data-attune-track="Hero Clicked" data-attune-prop-slot="hero">Go</button>';
    const { attune } = makeAttune({ capture: { webVitals: false } });
    await new Promise((resolve) => setTimeout(resolve, 5));
    document.getElementById('b')!.click();
    await attune.flush();
    const events = (await attune.export())!.events;
    expect(events.map((e) => e.event ?? e.type)).toEqual(['page', 'Hero Clicked']);
    expect(events[1].properties).toEqual({ slot: 'hero' });
    document.body.replaceChildren();
  });

  it('reads campaign parameters into the context', async () => {
    history.replaceState(null, '', '/landing?utm_campaign=spring&utm_source=news&utm_medium=email&other=1');
    const { attune } = makeAttune();
    attune.page();
    const [event] = (await attune.export())!.events;
    expect(event.context.campaign).toEqual({ name: 'spring', source: 'news', medium: 'email' });
    expect(attune.profile().session).toMatchObject({ campaign: { name: 'spring' }, referrer: { class: 'email' }, landingPath: '/landing' });
    history.replaceState(null, '', '/');
  });
});

it('createAttune works with no options at all', async () => {
  const attune = createAttune({ capture: false });
  attune.track('Hello');
  await attune.flush();
  expect(attune.profile().counters).toEqual({ Hello: 1 });
  await attune.forget();
  attune.destroy();
});
