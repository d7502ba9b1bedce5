// What Attune draws, checked by axe-core in a real Chromium: the demo pages with their hero
// slot, quiz and recommendation rows rendered (and the demo's debug panel, listing the
// problems of a collector that is not running here), and the quiz in its error and result
// states. Any violation axe reports, at any impact, fails the test, with what and where.
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { attuneReady, describeE2E, firstPage, setupE2E } from './browser';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

interface AxeResults {
  violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
}

/** axe-core's violations on the page as it is now, one line each: impact, rule, help, where. */
async function violations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const results = await page.evaluate(() => (window as unknown as { axe: { run(root: Document): Promise<AxeResults> } }).axe.run(document));
  return results.violations.map((v) => `${v.impact} ${v.id} (${v.help}): ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
}

describeE2E('accessibility of what Attune renders (axe-core)', () => {
  const e2e = setupE2E();

  it('the demo pages, with the hero, the quiz and the recommendation rows rendered, have no violations', async () => {
    const { page, pageErrors } = await firstPage(await e2e.launch());
    for (const path of ['/index.html', '/product.html?id=rain-shell', '/category.html?c=shoes', '/index.html?attune-debug']) {
      await page.goto(e2e.url(path));
      await attuneReady(page);
      // Rendered, not merely loaded: a row's cards (every page has one) and, at home, the quiz.
      await expect.poll(() => page.locator('[data-attune-recs] [data-attune-card]').count()).toBeGreaterThan(0);
      if (path.startsWith('/index.html')) await expect.poll(() => page.locator('.attune-quiz legend').count()).toBe(1);
      expect(await violations(page), path).toEqual([]);
    }
    expect(pageErrors).toEqual([]);
  });

  it('the quiz with an answer missing, and at its result with the outcome\'s cards, has no violations', async () => {
    const { page, pageErrors } = await firstPage(await e2e.launch());
    await page.goto(e2e.url('/index.html'));
    await attuneReady(page);
    const next = page.locator('.attune-quiz__next');
    await next.click();
    await expect.poll(() => page.locator('.attune-quiz [aria-invalid="true"]').count()).toBeGreaterThan(0);
    expect(await violations(page), 'error state').toEqual([]);

    // Through to the result: the first option of each question, then no email.
    for (let step = 0; step < 10 && !(await page.locator('.attune-quiz__result').count()); step++) {
      const first = page.locator('.attune-quiz input').first();
      if ((await first.getAttribute('type')) !== 'email') await first.check();
      await next.click();
    }
    await expect.poll(() => page.locator('.attune-quiz__products [data-attune-card]').count()).toBeGreaterThan(0);
    expect(await violations(page), 'result').toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
