// The demo shop's product finder in a real Chromium: completed with the keyboard alone,
// resumed after a reload half-way, its outcome learned into the profile, and the home
// hero changed by it on the next page view, through a segment.
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { attuneReady, describeE2E, firstPage, flush, notHeldOut, setupE2E } from './browser';

const legend = (page: Page) => page.locator('.attune-quiz legend').textContent();

/** Answers the current question with keys only: Tab to its first control, Space to pick it, Enter to go on. */
async function pickFirst(page: Page, title: string) {
  await expect.poll(() => legend(page)).toBe(title);
  // Focus sits on the question's legend after each step.
  expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('LEGEND');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Space');
  await page.keyboard.press('Enter');
}

describeE2E('product-finder quiz', () => {
  const e2e = setupE2E();

  it('is completed with the keyboard alone; the outcome reaches the profile and the next hero', async () => {
    const context = await e2e.launch();
    const { page, pageErrors } = await firstPage(context);
    await notHeldOut(page);
    await page.goto(e2e.url('/index.html'));
    await attuneReady(page);
    await expect.poll(() => legend(page)).toBe('What will you mostly do?');
    // As if tabbed into: from here on, only keys.
    await page.locator('.attune-quiz input').first().focus();
    await page.keyboard.press('Space');
    await page.keyboard.press('Enter');
    await pickFirst(page, 'How far do you usually run?');
    await pickFirst(page, 'What weather do you head out in?');
    // Runners skip the carrying question (visibleIf), straight to the budget scale.
    await pickFirst(page, 'How much do you want to spend?');
    await expect.poll(() => legend(page)).toBe('Want your picks by email?');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');

    await expect.poll(() => page.locator('.attune-quiz__result h2, .attune-quiz__result h3').first().textContent()).toBe('Built for the trail');
    // The outcome's products, drawn as catalog cards (text from the catalog, not ids).
    await expect.poll(() => page.locator('.attune-quiz__products [data-attune-card]').evaluateAll((els) => els.map((e) => e.getAttribute('data-attune-card')))).toContain('trail-runner');
    expect(await page.locator('.attune-quiz__products [data-attune-card="trail-runner"] .attune-recs__title').textContent()).toBe('Trail Runner');
    const profile = await page.evaluate(() => window.Attune.profile());
    expect(profile.quizzes!['product-finder']).toMatchObject({
      outcome: 'trail-runner',
      answers: { activity: 'run', distance: 'short', weather: ['rain'], budget: 1 },
      tags: expect.arrayContaining(['running']),
    });
    expect(profile.traits).toMatchObject({ quizOutcome: 'trail-runner' });
    await flush(page);
    const names = (await page.evaluate(() => window.Attune.export()))!.events.map((e) => e.event).filter((n) => n?.startsWith('Quiz'));
    expect(names).toEqual(['Quiz Started', ...Array(5).fill('Quiz Question Answered'), 'Quiz Completed']);

    // The next page view: the hero is chosen by the finder-runners segment.
    await page.reload();
    await attuneReady(page);
    expect(await page.textContent('[data-attune-slot="hero"] h1')).toBe('Your trail-running kit is ready');
    expect(await page.evaluate(() => window.Attune.decide('home-hero'))).toMatchObject({ variant: 'finder-runner', reason: 'rule' });
    expect(pageErrors).toEqual([]);
  });

  it('resumes at the same question after a reload half-way', async () => {
    const context = await e2e.launch();
    const { page, pageErrors } = await firstPage(context);
    await page.goto(e2e.url('/index.html'));
    await attuneReady(page);
    await expect.poll(() => legend(page)).toBe('What will you mostly do?');
    await page.locator('.attune-quiz input[value="hike"]').check();
    await page.locator('.attune-quiz__next').click();
    await expect.poll(() => legend(page)).toBe('How long are your trips?');
    await page.locator('.attune-quiz input[value="multi-day"]').check();
    await page.locator('.attune-quiz__next').click();
    await expect.poll(() => legend(page)).toBe('What weather do you head out in?');
    await flush(page);

    await page.reload();
    await attuneReady(page);
    await expect.poll(() => legend(page)).toBe('What weather do you head out in?');
    // Back still leads along the path that was taken.
    await page.locator('.attune-quiz__back').click();
    await expect.poll(() => legend(page)).toBe('How long are your trips?');
    expect(await page.locator('.attune-quiz input[value="multi-day"]').isChecked()).toBe(true);
    expect(pageErrors).toEqual([]);
  });
});
