// The dashboard in a real Chromium against the real (built) collector: real events
// ingested through /v1/batch, signing in through the form, the placement's variants,
// a uPlot canvas and verdicts on the page, axe-core finding nothing, no CSP violation
// (the page allows no inline script or style), hostile names shown as text, a CSV
// download, and nothing but the tables scrolling sideways on a 390 px phone.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeE2E, firstPage, setupE2E } from './browser';
import { useCollector } from './collector';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const TOKEN = 'e2e-dashboard-token-0123456789';
const SITE = 'shop-1';
const HOSTILE = '<img src=x onerror=alert(1)>';
const DAY = 86_400_000;

interface AxeResults {
  violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
}

let sequence = 0;
/** A Segment-style track event of visitor `who`, `daysAgo` days before now. */
function track(event: string, properties: Record<string, unknown>, who: string, daysAgo: number) {
  return {
    type: 'track',
    event,
    properties,
    anonymousId: who,
    messageId: `dash-${++sequence}`,
    timestamp: new Date(Date.now() - daysAgo * DAY - 3_600_000 + (sequence % 1000)).toISOString(),
    context: { page: { url: 'https://shop.example/', path: '/' }, library: { name: 'attune', version: '0.1.0' } },
  };
}

/**
 * Visitors over three days: the default converts 5 %, eco 20 % (a clear winner),
 * a hostile-named variant a few, and a holdout that converts 4 %.
 */
function history() {
  const events: ReturnType<typeof track>[] = [];
  const arm = (variant: string, group: string, visitors: number, converters: number) => {
    for (let i = 0; i < visitors; i++) {
      const who = `${group}-${variant}-${i}`;
      const daysAgo = 1 + (i % 3);
      const base = { placement: 'home-hero', variant, segment: i % 2 ? 'eco-fans' : null, group };
      events.push(track('Variant Viewed', { ...base, reason: 'weighted' }, who, daysAgo));
      if (i < converters) events.push(track('Variant Converted', { ...base, goal: 'Order Completed', value: 40, currency: 'EUR' }, who, daysAgo - 0.01));
    }
  };
  arm('default', 'treatment', 300, 15);
  arm('eco', 'treatment', 300, 60);
  arm(HOSTILE, 'treatment', 200, 10);
  arm('default', 'holdout', 100, 4);
  return events;
}

async function violations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, not as an inline <script> the page's CSP would refuse.
  await page.evaluate(AXE);
  const results = await page.evaluate(() => (window as unknown as { axe: { run(root: Document): Promise<AxeResults> } }).axe.run(document));
  return results.violations.map((v) => `${v.impact} ${v.id} (${v.help}): ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
}

/** Elements whose right edge passes the viewport, other than those inside a scrolling table box. */
const overflowing = (page: Page) =>
  page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const out: string[] = [];
    for (const node of document.querySelectorAll('body *')) {
      if (node.closest('.scroll') || (node as HTMLElement).offsetParent === null) continue;
      const box = node.getBoundingClientRect();
      if (box.right > width + 0.5) out.push(`${node.tagName.toLowerCase()}.${(node as HTMLElement).className} right=${Math.round(box.right)}`);
    }
    return { width, scrollWidth: document.documentElement.scrollWidth, out };
  });

describeE2E('the dashboard', () => {
  const e2e = setupE2E();
  const startCollector = useCollector();

  it('signs in through its form and shows the variants, a chart and verdicts, with no axe or CSP violation', async () => {
    const collector = await startCollector(['http://127.0.0.1:5173'], { adminToken: TOKEN });
    const events = history();
    for (let i = 0; i < events.length; i += 200) {
      const res = await fetch(`${collector.url}/v1/batch?site=${SITE}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ batch: events.slice(i, i + 200), sentAt: new Date().toISOString() }),
      });
      expect(res.status, await res.text()).toBe(200);
    }

    const context = await e2e.launch();
    // Recorded from before any script of the page runs; CSP reports also land in the console.
    await context.addInitScript(() => {
      (window as unknown as { cspViolations: string[] }).cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) =>
        (window as unknown as { cspViolations: string[] }).cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`),
      );
    });
    const { page, pageErrors } = await firstPage(context);
    const consoleErrors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('dialog', (d) => void d.dismiss().then(() => pageErrors.push(new Error(`a dialog opened: ${d.message()}`))));
    const cspViolations = () => page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);

    await page.goto(`${collector.url}/dashboard?site=${SITE}`);
    expect(await violations(page), 'sign-in form').toEqual([]);
    await page.getByLabel('Admin token').fill('not-the-right-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/not the one/);
    await page.getByLabel('Admin token').fill(TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/dashboard\?site=shop-1$/);

    await page.locator('#placement-0').waitFor();
    const rows = await page.locator('#placement-0 tbody th').allTextContents();
    // The default first (the baseline), then by chance to be best, then the holdout.
    expect(rows).toEqual(['default (default)', 'eco', HOSTILE, 'Holdout (not personalised)']);
    // The hostile name is text, not an element.
    expect(await page.locator('#report img').count()).toBe(0);
    expect(await page.locator('.placement .chart canvas').count()).toBeGreaterThan(0);
    const verdicts = await page.locator('.placement .verdict').allTextContents();
    expect(verdicts.join('\n')).toMatch(/Eco is the likely winner: >?\d+% likely to be best/);
    expect(verdicts.join('\n')).toMatch(/Eco converts \d+% better than the default/);
    expect(verdicts.join('\n')).toMatch(/personalised visitors convert \d+% more than the holdout|has no clear effect yet/);
    expect(await page.locator('#status').textContent()).toMatch(/^Figures from \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}/);

    // The segment filter lists the report's segments and puts the choice in the URL.
    expect(await page.locator('#f-segment option').allTextContents()).toEqual(['Everyone', 'eco-fans']);
    await page.locator('#f-segment').selectOption('eco-fans');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/segment=eco-fans/);
    await page.locator('#placement-0').waitFor();
    expect(await page.locator('#status').textContent()).toMatch(/for segment eco-fans/);

    // A table's CSV, generated in the page.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV: Placement home-hero: variants' }).click()]);
    expect(download.suggestedFilename()).toBe('shop-1-placement-home-hero-variants.csv');
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.split('\r\n')[0]).toMatch(/^\ufeffVariant,Visitors,/);
    expect(csv).toContain(`\r\neco,`);

    expect(await violations(page), 'report').toEqual([]);

    // A phone: only the table boxes may scroll sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(async () => (await overflowing(page)).out).toEqual([]);
    const phone = await overflowing(page);
    expect(phone.scrollWidth).toBeLessThanOrEqual(phone.width);
    expect(await violations(page), 'report on a phone').toEqual([]);

    expect(await cspViolations()).toEqual([]);
    // The one expected error: the wrong token's 401, which the browser logs as a failed load.
    expect(consoleErrors.filter((m) => !/status of 401/.test(m))).toEqual([]);
    expect(consoleErrors.length).toBe(1);
    expect(pageErrors).toEqual([]);
  });

  it('shows the off page, saying how to turn it on, when no admin token is configured', async () => {
    const collector = await startCollector(['http://127.0.0.1:5173'], { adminToken: undefined });
    const { page } = await firstPage(await e2e.launch());
    const res = await page.goto(`${collector.url}/dashboard`);
    expect(res?.status()).toBe(403);
    expect(await page.locator('h1').textContent()).toBe('The dashboard is off');
    expect(await page.locator('main').textContent()).toContain('--admin-token <token>');
    expect(await violations(page)).toEqual([]);
  });
});
