// The script tag on the demo shop, in a real Chromium: what it records into IndexedDB.
import { expect, it } from 'vitest';
import { attuneReady, describeE2E, firstPage, flush, nameOf, readStored, setupE2E, withoutTimed } from './browser';

describeE2E('script tag on the demo shop', () => {
  const e2e = setupE2E();

  it('records the page view, a tracked click and scroll milestones into IndexedDB', async () => {
    const { page, pageErrors } = await firstPage(await e2e.launch());
    await page.goto(e2e.url('/'));
    await attuneReady(page);
    // The featured products are drawn from the catalog; wait for the page to reach its full height.
    await page.waitForSelector('#featured-list .card-link');
    expect(await page.evaluate(() => document.documentElement.scrollHeight > 2 * innerHeight)).toBe(true);

    // Scroll down in steps, waiting each time for the milestone to be recorded.
    // (First, as clicking scrolls the button into view.)
    await page.evaluate(() => {
      const w = window as Window & { depths?: number[] };
      w.depths = [];
      window.Attune.on('event', (event) => {
        if (event.event === 'Scroll Depth Reached') w.depths!.push(event.properties!.depth as number);
      });
    });
    for (const depth of [25, 50, 75, 100]) {
      await page.evaluate((percent) => {
        const height = document.documentElement.scrollHeight;
        scrollTo(0, Math.max(1, Math.ceil((height * percent) / 100 - innerHeight)));
      }, depth);
      await page.waitForFunction((d) => (window as Window & { depths?: number[] }).depths!.includes(d), depth);
    }

    await page.click('#newsletter-button');
    await expect.poll(() => page.textContent('#newsletter-status')).toContain('Thanks');

    await flush(page);
    const stored = await readStored(page);
    expect(stored).toBeDefined();
    const { events, profile } = stored!;

    // Segment-shaped events, each with its own messageId, all of this visitor.
    expect(profile?.anonymousId).toEqual(expect.any(String));
    for (const event of events) {
      expect(event).toMatchObject({ anonymousId: profile!.anonymousId, messageId: expect.any(String), timestamp: expect.any(String) });
    }
    expect(new Set(events.map((event) => event.messageId)).size).toBe(events.length);

    const pages = events.filter((event) => event.type === 'page');
    expect(pages).toHaveLength(1);
    expect(pages[0]).toMatchObject({ name: 'Trail & Co. · Attune demo shop', context: { page: { path: '/' } } });

    const clicks = events.filter((event) => event.event === 'Newsletter Signed Up');
    expect(clicks).toHaveLength(1);
    expect(clicks[0]).toMatchObject({ type: 'track', properties: { list_id: 'trail-notes', placement: 'home-newsletter' } });

    const scrolls = events.filter((event) => event.event === 'Scroll Depth Reached');
    expect(scrolls.map((event) => event.properties)).toEqual([
      { depth: 25, path: '/' },
      { depth: 50, path: '/' },
      { depth: 75, path: '/' },
      { depth: 100, path: '/' },
    ]);

    // The page view comes first, then what the visitor did, in order.
    const names = withoutTimed(events).map(nameOf);
    expect(names.indexOf('page')).toBe(0);
    expect(names.lastIndexOf('Scroll Depth Reached')).toBeLessThan(names.indexOf('Newsletter Signed Up'));

    // The stored profile learned from the same events.
    expect(profile).toMatchObject({ version: 1, pageViews: 1, counters: { 'Newsletter Signed Up': 1, 'Scroll Depth Reached': 4 } });
    expect(pageErrors).toEqual([]);
  });

  it('replays calls queued before the script loaded, in order, then takes new calls directly', async () => {
    const { page, pageErrors } = await firstPage(await e2e.launch());
    await page.goto(e2e.url('/queue.html'));
    await attuneReady(page);
    expect(await page.evaluate(() => (window as Window & { queuedBeforeLoad?: boolean }).queuedBeforeLoad)).toBe(true);

    // After load, the queue is no longer an array: a push is a call.
    await page.evaluate(() => (window.attune as { push(call: unknown[]): void }).push(['track', 'After Load', { n: 4 }]));
    await flush(page);
    const { events, profile } = (await readStored(page))!;

    // The automatic page view follows the replayed calls, as in Segment's snippet, so a
    // queued identify names the visitor of the first page view too.
    expect(withoutTimed(events).map(nameOf)).toEqual([
      'First Queued',
      'identify',
      'group',
      'alias',
      'Product Viewed',
      'Second Queued',
      'Product Added',
      'Third Queued',
      'page',
      'After Load',
    ]);
    const byName = (name: string) => events.find((event) => nameOf(event) === name)!;
    expect(byName('identify')).toMatchObject({ userId: 'user-42', traits: { plan: 'pro' } });
    expect(byName('group')).toMatchObject({ userId: 'user-42', groupId: 'acme', traits: { industry: 'retail', employees: 250 } });
    expect(byName('alias')).toMatchObject({ userId: 'user-42', previousId: 'old-login' });
    // Calls after identify carry the user id; the one before does not.
    expect(byName('First Queued').userId).toBeUndefined();
    expect(byName('Third Queued')).toMatchObject({ userId: 'user-42', properties: { n: 3 } });
    expect(byName('page')).toMatchObject({ userId: 'user-42' });
    expect(profile).toMatchObject({ userId: 'user-42', traits: { plan: 'pro' }, account: { id: 'acme', industry: 'retail' }, recentlyViewed: ['trail-runner'] });
    expect(profile!.cart.items).toEqual([{ product_id: 'trail-runner', quantity: 1, price: 119, category: 'shoes' }]);
    expect(pageErrors).toEqual([]);
  });
});
