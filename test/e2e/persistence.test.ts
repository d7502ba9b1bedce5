// The profile on the device, in a real Chromium: it survives a reload, and a browser
// restart on the same profile folder, with the same anonymous id and its counts carried on.
import { expect, it } from 'vitest';
import { attuneReady, describeE2E, firstPage, flush, readStored, setupE2E } from './browser';

describeE2E('profile persistence', () => {
  const e2e = setupE2E();

  it('keeps the anonymous id and carries counts on across a reload and a browser restart', async () => {
    const profileDir = e2e.newProfile();
    let context = await e2e.launch(profileDir);
    let { page, pageErrors } = await firstPage(context);

    // First page: a product is viewed and added to the cart (through the queue).
    await page.goto(e2e.url('/product.html?id=rain-shell'));
    await attuneReady(page);
    await page.waitForFunction(() => window.Attune.profile().counters['Product Viewed'] === 1);
    await page.click('#add-to-cart');
    await expect.poll(() => page.textContent('#cart-status')).toBe('Cart: 1 · €139.00');
    await flush(page);
    const first = (await readStored(page))!;
    const anonymousId = first.profile!.anonymousId;
    expect(anonymousId).toEqual(expect.any(String));
    expect(first.profile).toMatchObject({ pageViews: 1, visits: 1, recentlyViewed: ['rain-shell'] });
    expect(first.events.filter((event) => event.type === 'page')).toHaveLength(1);

    // Reload: the stored profile is read back, and learns from the new page.
    await page.reload();
    await attuneReady(page);
    await page.waitForFunction(() => window.Attune.profile().counters['Product Viewed'] === 2);
    await flush(page);
    const reloaded = (await readStored(page))!;
    expect(reloaded.profile).toMatchObject({ anonymousId, pageViews: 2, visits: 1 });
    expect(reloaded.profile!.cart.items).toEqual([{ product_id: 'rain-shell', quantity: 1, price: 139, category: 'jackets' }]);
    expect(reloaded.events.filter((event) => event.type === 'page')).toHaveLength(2);
    expect(await page.evaluate(() => window.Attune.profile().anonymousId)).toBe(anonymousId);
    expect(pageErrors).toEqual([]);

    // Restart the browser on the same profile folder.
    await context.close();
    context = await e2e.launch(profileDir);
    ({ page, pageErrors } = await firstPage(context));
    await page.goto(e2e.url('/product.html?id=day-pack'));
    await attuneReady(page);
    await page.waitForFunction(() => window.Attune.profile().counters['Product Viewed'] === 3);
    await flush(page);
    const restarted = (await readStored(page))!;
    expect(restarted.profile).toMatchObject({
      anonymousId,
      pageViews: 3,
      counters: { 'Product Viewed': 3, 'Product Added': 1 },
      recentlyViewed: ['day-pack', 'rain-shell'],
    });
    expect(restarted.events.filter((event) => event.type === 'page')).toHaveLength(3);
    expect(restarted.events.every((event) => event.anonymousId === anonymousId)).toBe(true);

    // What the page sees agrees with what is stored, and the shop shows the cart it kept.
    const profile = await page.evaluate(() => window.Attune.profile());
    expect(profile).toMatchObject({ anonymousId, pageViews: 3, cart: { count: 1, value: 139 } });
    await expect.poll(() => page.textContent('#cart-status')).toBe('Cart: 1 · €139.00');
    const exported = await page.evaluate(() => window.Attune.export());
    expect(exported).toMatchObject({ anonymousId, storage: 'indexeddb', consent: 'granted' });
    // Events recorded since the read above (web vitals, say) can only follow.
    const storedIds = restarted.events.map((event) => event.messageId);
    expect(exported!.events.map((event) => event.messageId).slice(0, storedIds.length)).toEqual(storedIds);
    expect(pageErrors).toEqual([]);
  });
});
