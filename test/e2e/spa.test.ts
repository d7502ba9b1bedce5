// Route changes of a single-page app (the demo's category page), in a real Chromium:
// one page event per real change of address, none for a change to the same address.
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { attuneReady, describeE2E, firstPage, flush, readStored, setupE2E } from './browser';

describeE2E('single-page app route changes', () => {
  const e2e = setupE2E();

  /** The stored page events as `search · title`, after waiting for `count` page views. */
  const pageViews = async (page: Page, count: number) => {
    await page.waitForFunction((n) => window.Attune.profile().pageViews >= n, count);
    await flush(page);
    const { events } = (await readStored(page))!;
    return events.filter((event) => event.type === 'page').map((event) => `${event.context.page.search} · ${event.name}`);
  };

  it('records one page event per real change: pushState, not replaceState to the same URL, popstate back', async () => {
    const { page, pageErrors } = await firstPage(await e2e.launch());
    await page.goto(e2e.url('/category.html?c=bags'));
    await attuneReady(page);
    await page.waitForSelector('#product-list .card-link');
    // Marks this document: a full page load would lose it.
    await page.evaluate(() => ((window as Window & { sameDocument?: boolean }).sameDocument = true));
    // The first view has the title of the HTML; the app retitles once the catalog is in.
    expect(await pageViews(page, 1)).toEqual(['?c=bags · Products · Trail & Co.']);

    // The app's filter link: pushState, and the page event reads the title the app set.
    await page.click('.filters a[href="category.html?c=shoes"]');
    await expect.poll(() => page.textContent('#list-title')).toBe('Shoes');
    expect(await pageViews(page, 2)).toEqual(['?c=bags · Products · Trail & Co.', '?c=shoes · Shoes · Trail & Co.']);

    // Replacing the address with the same one is no change; the next real change is one event.
    await page.evaluate(() => history.replaceState(history.state, '', location.href));
    await page.evaluate(() => history.pushState(null, '', '?c=jackets'));
    expect(await pageViews(page, 3)).toEqual([
      '?c=bags · Products · Trail & Co.',
      '?c=shoes · Shoes · Trail & Co.',
      '?c=jackets · Shoes · Trail & Co.', // pushed by hand, so the app did not draw or retitle
    ]);

    // A push and a replace in one task (a redirect) are one change, to the final address.
    await page.evaluate(() => {
      history.pushState(null, '', '?c=accessorie');
      history.replaceState(null, '', '?c=accessories');
    });
    expect((await pageViews(page, 4)).slice(3)).toEqual(['?c=accessories · Shoes · Trail & Co.']);

    // Back (popstate) is a change, and the app draws that list again.
    await page.evaluate(() => history.back());
    await expect.poll(() => page.evaluate(() => location.search)).toBe('?c=jackets');
    expect((await pageViews(page, 5)).slice(4)).toEqual(['?c=jackets · Jackets · Trail & Co.']);
    await expect.poll(() => page.textContent('#list-title')).toBe('Jackets');

    // One more real change, so any page event still pending from the steps above is recorded first.
    await page.click('.filters a[href="category.html"]');
    const all = await pageViews(page, 6);
    expect(all).toHaveLength(6);
    expect(all[5]).toBe(' · All products · Trail & Co.');
    expect(await page.evaluate(() => (window as Window & { sameDocument?: boolean }).sameDocument)).toBe(true);
    expect(await page.evaluate(() => window.Attune.profile().pageViews)).toBe(6);
    expect(pageErrors).toEqual([]);
  });
});
