// Multilanding in a real Chromium: the script tag in <head> decides a slot before it
// is painted, weighted splits hash the visitor id (so they survive a wiped
// IndexedDB), a broken placement leaves the rest working, impressions wait until a
// slot is seen, and an SPA route change decides again.
import { expect, it } from 'vitest';
import { attuneReady, describeE2E, firstPage, flush, notHeldOut, setupE2E, type AttuneExport } from './browser';
import { chooseByWeights, hashBucket } from '../../src/decide/hash';

declare global {
  interface Window {
    heroFrames: { visible: boolean; title: string | null }[];
  }
}

// Before every animation frame (so before every paint) from the very start, what the hero shows.
const WATCH_HERO = () => {
  window.heroFrames = [];
  const tick = () => {
    const slot = document.querySelector('[data-attune-slot="hero"]');
    if (slot) window.heroFrames.push({ visible: getComputedStyle(slot).visibility !== 'hidden', title: slot.querySelector('h1')?.textContent ?? null });
    if (window.heroFrames.length < 60) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
};

const variantViewed = (data: AttuneExport, placement: string) =>
  data.events.filter((e) => e.event === 'Variant Viewed' && e.properties?.placement === placement);

describeE2E('multilanding', () => {
  const e2e = setupE2E();

  it('with the script in <head>, shows the campaign variant at the first paint and never paints the default', async () => {
    const context = await e2e.launch();
    const { page, pageErrors } = await firstPage(context);
    await notHeldOut(page);
    await page.addInitScript(WATCH_HERO);
    await page.goto(e2e.url('/index.html?utm_campaign=repair'));
    await attuneReady(page);
    await page.waitForFunction(() => window.heroFrames.length >= 10);
    const frames = await page.evaluate(() => window.heroFrames);
    const painted = frames.filter((f) => f.visible);
    expect(painted.length).toBeGreaterThan(0);
    // Every frame that could be painted showed the campaign's hero; the default never was.
    expect(painted.every((f) => f.title === "Repair, don't replace")).toBe(true);
    expect(frames.some((f) => f.title === 'Gear for the long way round' && f.visible)).toBe(false);
    const decision = await page.evaluate(() => window.Attune.decide('home-hero'));
    expect(decision).toMatchObject({ variant: 'campaign-repair', reason: 'rule', explain: { rule: { variant: 'campaign-repair', index: 0 } } });
    expect(pageErrors).toEqual([]);
  });

  it('gives the same visitor id the same weighted variant after IndexedDB is wiped', async () => {
    const context = await e2e.launch();
    const { page, pageErrors } = await firstPage(context);
    const expected = 'abcd'[chooseByWeights(hashBucket('banner:0', 'user-42'), [0.25, 0.25, 0.25, 0.25])];
    await page.goto(e2e.url('/slots.html'));
    await attuneReady(page);
    expect(await page.textContent('[data-attune-slot="banner"] p')).toBe(`Variant ${expected.toUpperCase()}`);
    expect(await page.evaluate(() => window.Attune.decide('banner'))).toMatchObject({ variant: expected, reason: 'weighted' });
    const before = await page.evaluate(() => window.Attune.export());

    // Wipe everything Attune stored; the next page starts a new anonymous id.
    await page.evaluate(() => window.Attune.forget());
    await page.reload();
    await attuneReady(page);
    const after = (await page.evaluate(() => window.Attune.export()))!;
    expect(after.anonymousId).not.toBe(before!.anonymousId);
    expect(await page.textContent('[data-attune-slot="banner"] p')).toBe(`Variant ${expected.toUpperCase()}`);
    // The stored assignment was lost with the database: the hash decided again, not the memory.
    expect(await page.evaluate(() => window.Attune.decide('banner').reason)).toBe('weighted');
    expect(pageErrors).toEqual([]);
  });

  it('keeps the rest working around a broken placement, and records an impression only once a slot is seen', async () => {
    const context = await e2e.launch();
    const { page, pageErrors } = await firstPage(context);
    await page.goto(e2e.url('/slots.html'));
    await attuneReady(page);
    expect(await page.textContent('[data-attune-slot="broken"]')).toBe('Default broken');
    const broken = await page.evaluate(() => window.Attune.decide('broken'));
    // Left out by the tag's reader: its slot keeps the page's markup (issue 15).
    expect(broken).toMatchObject({ variant: null, reason: 'error', explain: { error: { path: '$.placements[1].strategy' } } });
    expect(await page.textContent('#by-path')).toBe('First view');

    // The footer is far below the fold: decided and rendered, but not yet seen.
    expect(await page.textContent('#thanks')).toBe('Thanks for scrolling');
    await flush(page);
    let data = (await page.evaluate(() => window.Attune.export()))!;
    expect(variantViewed(data, 'banner')).toHaveLength(1);
    expect(variantViewed(data, 'footer')).toHaveLength(0);
    await page.locator('#thanks').scrollIntoViewIfNeeded();
    // Polled from here: the impression waits for the IntersectionObserver, then for the export.
    await expect.poll(async () => variantViewed((await page.evaluate(() => window.Attune.export()))!, 'footer').length).toBe(1);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.locator('#thanks').scrollIntoViewIfNeeded();
    await flush(page);
    data = (await page.evaluate(() => window.Attune.export()))!;
    // Once per page view, however often it scrolls into view.
    expect(variantViewed(data, 'footer').map((e) => e.properties)).toEqual([{ placement: 'footer', variant: 'only', reason: 'rule', segment: null, group: 'treatment' }]);

    // A goal after the impression is credited to the variant, once.
    await page.evaluate(() => {
      window.Attune.track('Signed Up');
      window.Attune.track('Signed Up');
    });
    await flush(page);
    data = (await page.evaluate(() => window.Attune.export()))!;
    const converted = data.events.filter((e) => e.event === 'Variant Converted');
    expect(converted.map((e) => e.properties)).toEqual([
      { placement: 'banner', variant: expect.any(String), reason: 'weighted', segment: null, group: 'treatment', goal: 'Signed Up' },
    ]);
    expect(pageErrors).toEqual([]);
  });

  it('decides again on an SPA route change', async () => {
    const context = await e2e.launch();
    const { page, pageErrors } = await firstPage(context);
    await page.goto(e2e.url('/slots.html'));
    await attuneReady(page);
    expect(await page.textContent('#by-path')).toBe('First view');
    await page.evaluate(() => history.pushState(null, '', '/spa/second'));
    await expect.poll(() => page.textContent('#by-path')).toBe('Second view');
    expect(await page.evaluate(() => window.Attune.decide('by-path'))).toMatchObject({ variant: 'second-view', reason: 'rule' });
    await page.evaluate(() => history.pushState(null, '', '/slots.html'));
    await expect.poll(() => page.textContent('#by-path')).toBe('First view');
    expect(pageErrors).toEqual([]);
  });
});
