// @vitest-environment node
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startCollector } from '../../server';
import type { Report } from '../../server/report-types';
import { workerModule } from './worker-module';
import { startTestCollector, trackEvent, type TestCollector } from './helpers';

// Each test starts a collector on a fresh file and posts a batch: on a loaded 2-core machine the
// first one took 6.7 s (opening, the worker, JIT), past the default 5 s.
vi.setConfig({ testTimeout: 30_000 });

const TOKEN = 'report-test-token-0123456789';
const CLOCK = Date.UTC(2024, 4, 10, 12);
const CONFIG = {
  placements: [
    {
      id: 'hero',
      strategy: 'weighted',
      default: 'plain',
      goal: ['Product Added', 'Order Completed'],
      holdout: 0.1,
      variants: [
        { id: 'plain', weight: 0.5 },
        { id: 'eco', weight: 0.5 },
      ],
    },
  ],
};

const at = (day: number, hour: number, minute = 0) => ({ timestamp: new Date(Date.UTC(2024, 4, day, hour, minute)).toISOString() });
const as = (anonymousId: string, day: number, hour: number, minute = 0) => ({ anonymousId, ...at(day, hour, minute) });
const viewed = (who: string, variant: string, group = 'treatment', extra: object = {}, day = 1) =>
  trackEvent('Variant Viewed', { placement: 'hero', variant, reason: 'weighted', segment: 'new', group, ...extra }, as(who, day, 10));
const converted = (who: string, variant: string, value?: number, group = 'treatment', goal = 'Product Added') =>
  trackEvent('Variant Converted', { placement: 'hero', variant, segment: 'new', group, goal, ...(value === undefined ? {} : { value, currency: 'EUR' }) }, as(who, 1, 11));
const page = (who: string, hour: number, minute: number) => ({ ...trackEvent('', {}, as(who, 2, hour, minute)), type: 'page', event: undefined, name: 'Home' });

// A small site whose every figure below is counted by hand from this list.
function history() {
  return [
    // Treatment, plain: 4 visitors (v1 twice, the second time a day later: still one visitor
    // of the 1 May cohort), 5 impressions, v1 converts with 10, v3 without a value.
    viewed('v1', 'plain'),
    viewed('v1', 'plain', 'treatment', {}, 2),
    viewed('v2', 'plain'),
    viewed('v3', 'plain'),
    viewed('v4', 'plain'),
    converted('v1', 'plain', 10),
    converted('v3', 'plain'),
    // Treatment, eco: 2 visitors; e1 converts twice (two goals), 5 then 7: one visitor worth 12.
    viewed('e1', 'eco'),
    viewed('e2', 'eco'),
    converted('e1', 'eco', 5),
    converted('e1', 'eco', 7, 'treatment', 'Order Completed'),
    // Holdout: h1 (the placement's holdout) converts with 20; h2 is in the site-wide holdout.
    viewed('h1', 'plain', 'holdout'),
    viewed('h2', 'plain', 'holdout', { holdout: 'site' }),
    converted('h1', 'plain', 20, 'holdout'),
    // A conversion without its exposure is not counted.
    converted('x1', 'eco', 99),
    // Pages: v1 at 12:00, 12:10 (same visit) and 13:00 (a new one); v2 once: 3 sessions, 4 page views.
    page('v1', 12, 0),
    page('v1', 12, 10),
    page('v1', 13, 0),
    page('v2', 12, 0),
    // A quiz: v1 completes with outcome "eco", v2 abandons at q2.
    trackEvent('Quiz Started', { quiz_id: 'finder', question_id: 'q1' }, as('v1', 2, 14)),
    trackEvent('Quiz Question Answered', { quiz_id: 'finder', question_id: 'q1', index: 0 }, as('v1', 2, 14, 1)),
    trackEvent('Quiz Question Answered', { quiz_id: 'finder', question_id: 'q2', index: 1 }, as('v1', 2, 14, 2)),
    trackEvent('Quiz Completed', { quiz_id: 'finder', outcome: 'eco' }, as('v1', 2, 14, 3)),
    trackEvent('Quiz Started', { quiz_id: 'finder', question_id: 'q1' }, as('v2', 2, 14)),
    trackEvent('Quiz Question Answered', { quiz_id: 'finder', question_id: 'q1', index: 0 }, as('v2', 2, 14, 1)),
    trackEvent('Quiz Abandoned', { quiz_id: 'finder', question_id: 'q2' }, as('v2', 2, 14, 2)),
    // A recommendation row: viewed twice, p1 clicked, then bought (3 × 10); p2 bought unclicked.
    trackEvent('Product List Viewed', { list_id: 'for-you', products: [{ product_id: 'p1', position: 1 }] }, as('v1', 2, 15)),
    trackEvent('Product List Viewed', { list_id: 'for-you', products: [{ product_id: 'p1', position: 1 }] }, as('v1', 2, 15, 5)),
    trackEvent('Product Clicked', { list_id: 'for-you', product_id: 'p1', position: 1 }, as('v1', 2, 15, 6)),
    // Orders: v1 twice (30, then 15: a repeat purchase), e1 once (50): 3 orders, 95 EUR.
    trackEvent('Order Completed', { order_id: 'o1', revenue: 30, currency: 'EUR', products: [{ product_id: 'p1', price: 10, quantity: 3 }] }, as('v1', 2, 16)),
    trackEvent('Order Completed', { order_id: 'o2', revenue: 15, currency: 'EUR', products: [{ product_id: 'p2', price: 15 }] }, as('v1', 3, 9)),
    trackEvent('Order Completed', { order_id: 'o3', revenue: 50, currency: 'EUR', products: [{ product_id: 'p3', price: 50 }] }, as('e1', 3, 10)),
    trackEvent('Cart Abandoned', { cart_id: 'c1' }, as('v4', 3, 11)),
  ];
}

// Built once: sending it again is a resend, the same messageIds.
const HISTORY = history();

let collector: TestCollector | undefined;
afterEach(async () => {
  await collector?.stop();
  collector = undefined;
});

const report = async (c: TestCollector, query = 'site=shop&from=2024-05-01&to=2024-05-10', headers: Record<string, string> = { Authorization: `Bearer ${TOKEN}` }) => {
  const response = await fetch(`${c.url}/v1/report?${query}`, { headers });
  return { status: response.status, body: (await response.json()) as Report & { error?: string } };
};

async function seeded(): Promise<TestCollector> {
  const c = await startTestCollector({ config: CONFIG, adminToken: TOKEN, clock: () => CLOCK });
  const response = await c.post({ batch: HISTORY }, { path: '/v1/batch?site=shop' });
  expect(await response.json()).toEqual({ stored: 33, duplicates: 0, rejected: [] });
  return c;
}

describe('GET /v1/report over a hand-counted history', () => {
  it('counts visitors by first exposure, impressions, converting visitors, values and the holdout apart', async () => {
    collector = await seeded();
    const { status, body } = await report(collector);
    expect(status).toBe(200);
    expect(body).toMatchObject({ site: 'shop', from: '2024-05-01', to: '2024-05-10', segment: null, segments: ['new'], level: 0.95, currency: 'EUR' });
    const [hero] = body.placements;
    expect(hero).toMatchObject({ placement: 'hero', defaultVariant: 'plain', goals: ['Product Added', 'Order Completed'] });
    const [eco, plain] = hero.variants;
    expect(plain).toMatchObject({ variant: 'plain', isDefault: true, visitors: 4, impressions: 5, converters: 2, conversions: 2, value: 10, lift: null });
    expect(eco).toMatchObject({ variant: 'eco', isDefault: false, visitors: 2, impressions: 2, converters: 1, conversions: 2, value: 12 });
    // 2 of 4 under Beta(3, 3): the 2.5 % and 97.5 % quantiles are 0.1466 and 0.8534.
    expect(plain.conversionRate.rate).toBe(0.5);
    expect(plain.conversionRate.low).toBeCloseTo(0.1466, 3);
    expect(plain.conversionRate.high).toBeCloseTo(0.8534, 3);
    // Revenue per visitor: plain 10 / 4; eco 12 / 2, per-visitor values [12, 0]: s² = 72, t(0.975, 1) = 12.706.
    expect(plain.revenuePerVisitor.mean).toBe(2.5);
    expect(eco.revenuePerVisitor.mean).toBe(6);
    expect(eco.revenuePerVisitor.low).toBeCloseTo(6 - 12.706 * Math.sqrt(72 / 2), 2);
    expect(plain.probabilityToBeBest! + eco.probabilityToBeBest!).toBeCloseTo(1, 6);
    expect([plain.targeted, eco.targeted]).toEqual([false, false]);
    expect(eco.lift!.relative).toBeCloseTo(0, 6);
    expect(eco.revenueLift!.relative).toBeCloseTo(6 / 2.5 - 1, 6);
    expect(plain.daily).toEqual([{ day: '2024-05-01', visitors: 4, converters: 2, conversionRate: plain.conversionRate }]);
    expect(hero.holdout).toMatchObject({ visitors: 2, impressions: 2, converters: 1, conversions: 1, value: 20 });
    // Treatment 3 of 6 converted, holdout 1 of 2: no uplift at the point estimate.
    expect(hero.uplift!.treatment).toMatchObject({ visitors: 6, converters: 3, value: 22 });
    expect(hero.uplift!.conversionRate.relative).toBeCloseTo(0, 6);
    expect(hero.enoughData.enough).toBe(false);
    // Weighted 50/50: 4 against 2 is χ² = 2/3 (p = 0.414); held out 2 of 8 against 10 %: no alarm at this size.
    expect(hero.ratioChecks[0]).toMatchObject({ kind: 'weights', groups: ['plain', 'eco'], observed: [4, 2], expected: [0.5, 0.5], mismatch: false });
    expect(hero.ratioChecks[0].pValue).toBeCloseTo(0.4142, 3);
    expect(hero.ratioChecks[1]).toMatchObject({ kind: 'holdout', observed: [6, 2], expected: [0.9, 0.1] });
  });

  it('reports the site holdout, the quiz funnel, the row and the KPIs', async () => {
    collector = await seeded();
    const { body } = await report(collector);
    // Site-wide: the 7 exposed visitors outside the site holdout against h2; orders convert them.
    expect(body.siteUplift!.treatment).toMatchObject({ visitors: 7, converters: 2, value: 95 });
    expect(body.siteUplift!.holdout).toMatchObject({ visitors: 1, converters: 0, value: 0 });
    expect(body.quizzes).toEqual([
      expect.objectContaining({
        quiz: 'finder',
        started: 2,
        completed: 1,
        answered: [{ question: 'q1', count: 2 }, { question: 'q2', count: 1 }],
        abandoned: [{ question: 'q2', count: 1 }],
        outcomes: [{ outcome: 'eco', count: 1, share: 1 }],
        completers: expect.objectContaining({ visitors: 1, buyers: 1, revenue: 45 }),
        nonCompleters: expect.objectContaining({ visitors: 1, buyers: 0, revenue: 0 }),
      }),
    ]);
    expect(body.rows).toEqual([expect.objectContaining({ row: 'for-you', strategy: 'for-you', views: 2, clicks: 1, orders: 1, revenue: 30 })]);
    expect(body.rows[0].clickThroughRate.rate).toBe(0.5);
    expect(body.kpis).toMatchObject({
      visitors: 9,
      sessions: 3,
      pageViews: 4,
      orders: 3,
      buyers: 2,
      revenue: 95,
      signals: [{ kind: 'Cart Abandoned', count: 1 }],
    });
    expect(body.kpis.conversionRate).toBeCloseTo(2 / 9, 5);
    expect(body.kpis.averageOrderValue).toBeCloseTo(95 / 3, 4);
    expect(body.kpis.revenuePerVisitor).toBeCloseTo(95 / 9, 4);
    expect(body.kpis.repeatPurchaseRate).toBeCloseTo(1 / 3, 5);
    expect(body.kpis.daily.map((d) => d.day)).toEqual(['2024-05-01', '2024-05-02', '2024-05-03']);
  });

  it('is unchanged when the batch is sent again, and /v1/stats serves treatment only', async () => {
    collector = await seeded();
    const before = (await report(collector)).body;
    const again = await collector.post({ batch: HISTORY }, { path: '/v1/batch?site=shop' });
    expect((await again.json()).stored).toBe(0);
    const after = (await report(collector)).body;
    expect({ ...after, generatedAt: '' }).toEqual({ ...before, generatedAt: '' });
    const stats = (await (await fetch(`${collector.url}/v1/stats?site=shop`)).json()) as { variants: { variant: string; impressions: number; conversions: number }[] };
    expect(stats.variants.map(({ variant, impressions, conversions }) => ({ variant, impressions, conversions }))).toEqual([
      // The bandit counts an exposure's first conversion only: e1's second goal is the report's.
      { variant: 'eco', impressions: 2, conversions: 1 },
      { variant: 'plain', impressions: 5, conversions: 2 },
    ]);
  });

  it('is the same whether the history comes in one batch or one event per batch', async () => {
    collector = await seeded();
    const whole = (await report(collector)).body;
    await collector.stop();
    collector = await startTestCollector({ config: CONFIG, adminToken: TOKEN, clock: () => CLOCK });
    for (const event of HISTORY) expect((await collector.post({ batch: [event] }, { path: '/v1/batch?site=shop' })).status).toBe(200);
    expect({ ...(await report(collector)).body, generatedAt: '' }).toEqual({ ...whole, generatedAt: '' });
  });

  it('filters placements by segment and ranges by first-exposure day', async () => {
    collector = await seeded();
    expect((await report(collector, 'site=shop&from=2024-05-01&to=2024-05-10&segment=returning')).body.placements).toEqual([]);
    const later = (await report(collector, 'site=shop&from=2024-05-02&to=2024-05-10')).body;
    // Every exposed visitor's cohort is 1 May, so a range from 2 May has none of them.
    expect(later.placements).toEqual([]);
    expect(later.kpis.orders).toBe(3);
  });
});

describe('a variant a rule targets', () => {
  it('is not in the race for best, which the pool decides alone', async () => {
    const config = { placements: [{ ...CONFIG.placements[0], strategy: 'rules', variants: [...CONFIG.placements[0].variants, { id: 'vip', when: { 'profile.orders': { $gte: 5 } } }] }] };
    collector = await startTestCollector({ config, adminToken: TOKEN, clock: () => CLOCK });
    // z1 is also shown plain on another visit: one person under two variants.
    const vip = [viewed('z1', 'vip'), converted('z1', 'vip', 100), viewed('z2', 'vip'), converted('z2', 'vip', 100), viewed('z1', 'plain')];
    expect((await collector.post({ batch: [...HISTORY, ...vip] }, { path: '/v1/batch?site=shop' })).status).toBe(200);
    const [hero] = (await report(collector)).body.placements;
    const byName = Object.fromEntries(hero.variants.map((v) => [v.variant, v]));
    // Two of two converted: the best rate, but shown to its own audience only.
    expect(byName.vip).toMatchObject({ targeted: true, probabilityToBeBest: null, expectedLoss: null, visitors: 2, converters: 2 });
    expect(byName.plain.probabilityToBeBest! + byName.eco.probabilityToBeBest!).toBeCloseTo(1, 6);
    // The variants hold 5 + 2 + 2 visitor-variants; the uplift and the holdout share count the
    // 8 people of the treatment (v1-v4, e1, e2, z1, z2) once each, against the holdout's 2.
    expect(byName.plain.visitors + byName.eco.visitors + byName.vip.visitors).toBe(9);
    expect(hero.uplift!.treatment).toMatchObject({ visitors: 8, converters: 5 });
    expect(hero.ratioChecks.find((c) => c.kind === 'holdout')!.observed).toEqual([8, 2]);
  });
});

describe('GET /v1/report access', () => {
  it('answers 401 without a token or with a wrong one, and returns no data', async () => {
    collector = await seeded();
    const none = await report(collector, 'site=shop', {});
    expect(none.status).toBe(401);
    expect(Object.keys(none.body)).toEqual(['error']);
    const wrong = await report(collector, 'site=shop', { Authorization: `Bearer ${TOKEN}x` });
    expect(wrong.status).toBe(401);
    expect(Object.keys(wrong.body)).toEqual(['error']);
    const cookie = await report(collector, 'site=shop', { Cookie: 'attune_admin=forged' });
    expect(cookie.status).toBe(401);
  });

  it('is off without a configured token, and says how to turn it on', async () => {
    collector = await startTestCollector({ adminToken: undefined });
    const { status, body } = await report(collector, 'site=shop', { Authorization: `Bearer ${TOKEN}` });
    expect(status).toBe(403);
    expect(body.error).toMatch(/--admin-token .*ATTUNE_ADMIN_TOKEN/);
  });

  it('names each bad parameter', async () => {
    collector = await seeded();
    const { status, body } = await report(collector, 'site=shop&from=2024-02-30&to=2025-13-01&segment=' + 'x'.repeat(300));
    expect(status).toBe(400);
    expect((body as unknown as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(['to', 'from', 'segment']);
    const long = await report(collector, 'site=shop&from=2020-01-01&to=2024-05-01');
    expect(long.status).toBe(400);
  });
});

describe('the schema upgrade', () => {
  it('rebuilds the report and treatment-only stats from a version-1 file', async () => {
    collector = await seeded();
    const before = (await report(collector)).body;
    const statsBefore = await (await fetch(`${collector.url}/v1/stats?site=shop`)).json();
    const { dbFile, configFile } = { dbFile: collector.dbFile, configFile: `${collector.dir}/site-config.json` };
    await collector.close();
    const db = new Database(dbFile);
    for (const table of ['cohort_members', 'cohort_daily', 'daily_counts', 'visitor_days', 'day_links', 'row_clicks']) db.exec(`DROP TABLE ${table}`);
    // Version 1 counted the holdout's impressions into the default's row.
    db.exec("UPDATE variant_stats SET impressions = impressions + 2 WHERE variant = 'plain'");
    db.pragma('user_version = 1');
    db.close();
    const upgraded = await startCollector({ port: 0, db: dbFile, configFile, adminToken: TOKEN, clock: () => CLOCK, workerModule: await workerModule() });
    try {
      const after = (await report({ url: upgraded.url } as TestCollector)).body;
      expect({ ...after, generatedAt: '' }).toEqual({ ...before, generatedAt: '' });
      expect(await (await fetch(`${upgraded.url}/v1/stats?site=shop`)).json()).toEqual(statsBefore);
    } finally {
      await upgraded.close();
    }
    const check = new Database(dbFile, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(3);
    check.close();
  });
});
