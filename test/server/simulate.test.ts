// @vitest-environment node
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as main from '../../src/index';
import * as quiz from '../../src/entries/quiz';
import * as recommend from '../../src/entries/recommend';
import { GROUND_TRUTH, loadDemoSetup, seedSimulation, simulateVisitors } from '../../scripts/simulate-visitors.mjs';
import { startTestCollector, type TestCollector } from './helpers';

// Simulating thousands of visitors and storing their events takes seconds, more on a loaded machine.
vi.setConfig({ testTimeout: 120_000 });

let c: TestCollector | undefined;
afterEach(async () => {
  await c?.stop();
  c = undefined;
});

// The SDK's three public entries, as the simulation takes them (importBuiltSdk in scripts/).
const sdk = { ...main, ...quiz, ...recommend };
const DAY = 864e5;
const setup = loadDemoSetup();
const hero = (setup.config as { placements: { id: string; default: string; holdout: number }[] }).placements[0];
const TOKEN = 'simulation-test-admin-token';
const DEMO_VISITORS = 4000;

/**
 * Per variant and group of the hero, from the stored events: visitors who saw it, and of
 * those, visitors it converted; and conversions without an earlier exposure of their
 * variant to that visitor (there must be none).
 */
function perVisitorRates(dbFile: string) {
  const db = new Database(dbFile, { readonly: true });
  let events: { event: string; visitor: string; timestamp: string; grp: string; variant: string }[];
  try {
    events = db
      .prepare(
        `SELECT event, anonymous_id AS visitor, timestamp, json_extract(payload, '$.properties.group') AS grp,
                json_extract(payload, '$.properties.variant') AS variant
         FROM events WHERE site = 'demo' AND event IN ('Variant Viewed', 'Variant Converted')
           AND json_extract(payload, '$.properties.placement') = ? ORDER BY timestamp, id`,
      )
      .all(hero.id) as typeof events;
  } finally {
    db.close();
  }
  const arms = new Map<string, { grp: string; variant: string; seen: Set<string>; converted: Set<string> }>();
  let orphans = 0;
  for (const e of events) {
    const key = `${e.grp}:${e.variant}`;
    if (!arms.has(key)) arms.set(key, { grp: e.grp, variant: e.variant, seen: new Set(), converted: new Set() });
    const arm = arms.get(key)!;
    if (e.event == 'Variant Viewed') arm.seen.add(e.visitor);
    else if (arm.seen.has(e.visitor)) arm.converted.add(e.visitor);
    else orphans++;
  }
  const rows = [...arms.values()].map((a) => ({ grp: a.grp, variant: a.variant, visitors: a.seen.size, converters: a.converted.size }));
  return { rows, orphans };
}

const sum = (rows: { visitors: number; converters: number }[]) => rows.reduce((a, r) => ({ visitors: a.visitors + r.visitors, converters: a.converters + r.converters }), { visitors: 0, converters: 0 });
const rate = (r: { visitors: number; converters: number }) => r.converters / r.visitors;

describe('scripts/simulate-visitors.mjs', () => {
  it('is deterministic for a seed and a UTC day, within the days before it, with unique messageIds', () => {
    const morning = Date.UTC(2026, 2, 10, 1);
    const a = simulateVisitors({ sdk, visitors: 300, today: morning });
    const b = simulateVisitors({ sdk, visitors: 300, today: morning + 20 * 3600e3 });
    expect(b.events).toEqual(a.events);
    expect(new Set(a.events.map((e) => e.messageId)).size).toBe(a.events.length);
    const end = Date.UTC(2026, 2, 10);
    for (const e of a.events) {
      expect(Date.parse(e.timestamp)).toBeLessThan(end);
      expect(Date.parse(e.timestamp)).toBeGreaterThanOrEqual(end - 28 * DAY);
    }
    // A later day moves the dates, never the ids: the collector stores nothing new.
    const later = simulateVisitors({ sdk, visitors: 300, today: morning + 3 * DAY });
    expect(later.events.map((e) => e.messageId)).toEqual(a.events.map((e) => e.messageId));
    expect(simulateVisitors({ sdk, visitors: 300, seed: 14, today: morning }).events[0].messageId).not.toBe(a.events[0].messageId);
  });

  it('stores the SDK events of visitors whose better variant and treatment truly win, once', async () => {
    const collector = (c = await startTestCollector({ adminToken: TOKEN }));
    const first = await seedSimulation(collector.url, { sdk, visitors: 1500 });
    expect(first.stored).toBe(first.events);
    expect(collector.count('events', "site = 'demo' AND message_id NOT LIKE 'sig-%'")).toBe(first.events);
    expect(first.quizzesCompleted).toBeGreaterThan(0);
    expect(first.orders).toBeGreaterThan(0);
    for (const name of ['Variant Viewed', 'Variant Converted', 'Quiz Started', 'Quiz Completed', 'Quiz Abandoned', 'Product List Viewed', 'Product Clicked', 'Order Completed'])
      expect(collector.count('events', `site = 'demo' AND event = '${name}'`), name).toBeGreaterThan(0);

    const { rows, orphans } = perVisitorRates(collector.dbFile);
    // Every conversion follows an exposure of the same variant, as the SDK's attribution makes sure.
    expect(orphans).toBe(0);
    const held = rows.filter((r) => r.grp == 'holdout');
    expect(held.map((r) => r.variant)).toEqual([hero.default]);
    expect(held[0].visitors).toBeGreaterThan(1500 * hero.holdout * 0.6);
    const treatment = rows.filter((r) => r.grp == 'treatment');
    const of = (variant: string) => treatment.find((r) => r.variant == variant)!;
    // The bandit found the better variant, and it converts clearly better per visitor.
    expect(of('free-repairs').visitors).toBeGreaterThan(of(hero.default).visitors);
    expect(GROUND_TRUTH.cartRate['free-repairs']).toBeGreaterThan(GROUND_TRUTH.cartRate.default);
    expect(rate(of('free-repairs'))).toBeGreaterThan(1.5 * rate(of(hero.default)));

    const again = await seedSimulation(collector.url, { sdk, visitors: 1500 });
    expect(again).toMatchObject({ events: first.events, stored: 0, duplicates: first.events });
    expect(collector.count('events', "site = 'demo' AND message_id NOT LIKE 'sig-%'")).toBe(first.events);
  }, 60_000);

  // The demo's own size, where the holdout (5 % of visitors) is large enough to compare with.
  describe(`at the demo's ${DEMO_VISITORS.toLocaleString('en-US')} visitors`, () => {
    let demo: TestCollector;
    beforeAll(async () => {
      demo = await startTestCollector({ adminToken: TOKEN });
      await seedSimulation(demo.url, { sdk, visitors: DEMO_VISITORS });
    }, 60_000);
    afterAll(() => demo?.stop());

    it('stores treatment converting clearly better per visitor than the holdout', () => {
      const { rows } = perVisitorRates(demo.dbFile);
      const held = rows.filter((r) => r.grp == 'holdout');
      expect(rate(sum(rows.filter((r) => r.grp == 'treatment')))).toBeGreaterThan(1.3 * rate(sum(held)));
    });

    it('shows the winner and a positive uplift in the report', async () => {
      const response = await fetch(`${demo.url}/v1/report?site=demo`, { headers: { Authorization: `Bearer ${TOKEN}` } });
      expect(response.status).toBe(200);
      const report = (await response.json()) as import('../../server/report-types').Report;
      const placement = report.placements.find((p) => p.placement == hero.id)!;
      const leader = placement.variants.reduce((a, b) => ((b.probabilityToBeBest ?? 0) > (a.probabilityToBeBest ?? 0) ? b : a));
      // The dashboard calls a winner from 95 % (server/dashboard/verdict.ts).
      expect(leader).toMatchObject({ variant: 'free-repairs' });
      expect(leader.probabilityToBeBest).toBeGreaterThanOrEqual(0.95);
      expect(placement.uplift!.conversionRate.relative).toBeGreaterThan(0);
      expect(placement.uplift!.conversionRate.low).toBeGreaterThan(0);
      // Or the dashboard would say "too little data" instead of naming the winner and the uplift.
      expect(placement.enoughData.enough).toBe(true);
      expect(placement.uplift!.enoughData.enough).toBe(true);
    });
  });
});
