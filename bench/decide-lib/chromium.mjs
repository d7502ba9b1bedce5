// The Chromium side: the same bundle on a local page, checked and timed by measureInRealm's source
// text, and the script tag's own Attune (dist/attune.min.js, when built) deciding for a visitor
// whose profile, page and locale pass the same conditions, timed per decide() call.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DIST } from '../lib.mjs';
import { describeTimer, withChromium } from '../browser.mjs';
import { assertAgreement, measureConditionInRealm, measureInRealm } from './measure.mjs';

// The URL and locale the instance's attributes are taken from: what the conditions expect.
const PAGE_PATH = '/shoes/trail-runner?utm_campaign=spring-sale&utm_source=newsletter&utm_medium=email';
const LAUNCH = { locale: 'en-GB', timezoneId: 'Europe/London' };
const page = (withInstance) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Trail runner</title>
<script src="/bench-decide.js"></script>
${withInstance ? '<script src="/attune.min.js" data-site="bench-decide" data-no-capture="all"></script>' : ''}
</head><body><main><h1>Trail runner</h1><p>Nothing to see.</p></main></body></html>`;

/**
 * Runs in the page: the script tag's instance, fed events until its own attributes satisfy the same
 * conditions (its profile, the page's URL, the browser's locale), checked the same way, then timed.
 * decide() is memoised per page view; setStats(null) drops the memo (and nothing else that matters
 * here: no statistics were given), so each timed call is `setStats(null)` + `decide('hero')`.
 */
async function instanceInPage(p) {
  const A = window.Attune;
  if (!A) return { error: 'window.Attune is not defined' };
  const reported = [];
  A.on('error', (e) => reported.push(`${e.code} at ${e.path}: ${e.message}`));
  await A.ready;
  if (A.consent() !== 'granted') return { error: `consent is ${A.consent()}` };
  // Two orders first (an order empties the cart), then browsing and a cart, then the traits.
  const product = (i, price) => ({ product_id: `sku-${i}`, name: `Trail runner ${i}`, category: 'shoes', tags: ['running', 'trail'], price, currency: 'EUR' });
  A.orderCompleted({ order_id: 'o-1', revenue: 89.9, currency: 'EUR', products: [{ ...product(1, 89.9), quantity: 1 }] });
  A.orderCompleted({ order_id: 'o-2', revenue: 122.5, currency: 'EUR', products: [{ ...product(2, 122.5), quantity: 1 }] });
  for (let i = 0; i < 6; i++) A.productViewed(product(10 + i, 49.9 + i * 10));
  A.productAdded({ ...product(12, 69.9), quantity: 2 });
  A.identify('user-4821', { plan: 'gold', newsletter: true, email: 'ada@example.com', appVersion: '3.4.1' });

  const decideOnce = (config) => {
    const problems = A.setConfig(config).filter((x) => x.severity === 'error');
    return { problems, decision: A.decide(p.placementId) };
  };
  const errors = [];
  for (const [k, t] of p.truncated.entries()) {
    const { problems, decision } = decideOnce(t.config);
    if (problems.length) errors.push(`config problems: ${problems.map((x) => x.message).join('; ')}`);
    if (decision.reason !== 'rule' || decision.variant !== t.variant) errors.push(`instance: without its last condition, ${t.variant} gives ${decision.variant} (${decision.reason}${decision.explain.error ? `: ${decision.explain.error.message}` : ''}) [${k}]`);
  }
  const { problems, decision } = decideOnce(p.config);
  if (problems.length) errors.push(`config problems: ${problems.map((x) => x.message).join('; ')}`);
  if (decision.reason !== 'weighted') errors.push(`instance: reason ${decision.reason} for the full config, expected weighted`);
  const profile = A.profile();
  if (errors.length) return { errors, profile: { topCategory: profile.topCategory, orders: profile.orders, cart: profile.cart, traits: profile.traits, session: profile.session } };

  const eventsBefore = profile.events;
  const loops = {
    decide: () => {
      A.setStats(null);
      return A.decide('hero').variant === 'eco';
    },
    setStats: () => A.setStats(null) === undefined,
    memo: () => A.decide('hero').variant === 'eco',
  };
  const times = { decide: [], setStats: [], memo: [] };
  let sink = 0;
  for (const name in loops) for (let i = 0; i < p.warmup; i++) sink += loops[name]() ? 1 : 0;
  for (let b = 0; b < p.batches; b++) {
    for (const name in loops) {
      const call = loops[name];
      const t0 = performance.now();
      for (let i = 0; i < p.batch; i++) sink += call() ? 1 : 0;
      times[name].push(((performance.now() - t0) * 1000) / p.batch);
    }
  }
  return {
    errors,
    times,
    sink,
    variant: decision.variant,
    unitId: profile.userId || profile.anonymousId,
    eventsDuring: A.profile().events - eventsBefore,
    reported,
  };
}

/**
 * Opens the page (the caller checks hasChromium() first), measures both sides and, when dist/ is
 * built, the instance; throws when anything disagrees or fails to load. Resolves with `{ result,
 * condition (the 20-leaf evalCondition rows), instance (null without dist/attune.min.js), timer,
 * pageErrors }`.
 */
export async function timeInChromium(iife, p) {
  const withInstance = existsSync(path.join(DIST, 'attune.min.js'));
  const served = { page: page(withInstance), scripts: { '/bench-decide.js': iife }, dist: withInstance, path: PAGE_PATH, launch: LAUNCH };
  return withChromium(served, async ({ tab, pageErrors, timer }) => {
    const loaded = await tab.evaluate(() => !!window.benchAttune && !!window.benchGrowthBook && !!window.benchGbEvalCondition);
    if (!loaded) throw new Error(`the bench bundle did not load in Chromium${pageErrors.length ? `: ${pageErrors.join('; ')}` : ''}`);
    console.log(describeTimer(timer));

    const result = await tab.evaluate(`(${measureInRealm})({ ...window.benchAttune, GrowthBook: window.benchGrowthBook }, ${JSON.stringify(p)})`);
    assertAgreement('Chromium', result);
    const condition = await tab.evaluate(`(${measureConditionInRealm})({ ...window.benchAttune, gbEvalCondition: window.benchGbEvalCondition }, ${JSON.stringify(p)})`);
    assertAgreement('Chromium (evalCondition)', condition);

    let instance = null;
    if (withInstance) {
      const truncated = p.truncated.map(({ variant, config }) => ({ variant, config }));
      instance = await tab.evaluate(instanceInPage, { placementId: p.placementId, config: p.config, truncated, warmup: p.warmup, batches: p.batches, batch: p.batch });
      if (instance.error || instance.errors.length) {
        throw new Error(`Chromium instance: ${instance.error ?? instance.errors.join('; ')}${instance.profile ? `\n  profile: ${JSON.stringify(instance.profile)}` : ''}`);
      }
    }
    // A copy: the array keeps filling until the browser is closed, after the figures were taken.
    return { result, condition, instance, timer, pageErrors: [...pageErrors] };
  });
}

/** What the instance row measured, printed under the table. */
export const describeInstance = (inst) =>
  `instance row: the script tag's own Attune, its profile fed 2 orders, 6 product views, a cart and identify() traits, on a page at\n` +
  ` ${PAGE_PATH} (locale en-GB), so its attributes pass the same 20 conditions up to each variant's last (checked the same way);\n` +
  ` one visitor (${inst.unitId}) for every call, variant ${inst.variant}; each call clears decide()'s per-view memo with setStats(null), so it\n` +
  ` includes that, the guard wrapper, the attribute cache check (events count + location.href) and copying the decision out.\n` +
  ` Events recorded while timing: ${inst.eventsDuring}; SDK errors reported: ${inst.reported.length}${inst.reported.length ? ` (first: ${inst.reported[0]})` : ''}.`;
