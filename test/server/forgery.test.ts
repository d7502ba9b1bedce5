// @vitest-environment node
// The statistics resist forgery (server/exposure-rules.ts), in /v1/stats (the bandit's
// input) and /v1/report alike: a conversion needs its stored exposure within the
// attribution window, one visitor's flood counts as one visitor, and one exposure
// converts each goal once.
import { afterEach, describe, expect, it } from 'vitest';
import type { Report } from '../../server/report-types';
import { batchOf, startTestCollector, trackEvent, type TestCollector } from './helpers';

const TOKEN = 'forgery-test-admin-token-0123';
const CLOCK = Date.UTC(2024, 4, 20, 12);
const HOUR = 3600_000;
const DAY = 24 * HOUR;
const START = Date.UTC(2024, 4, 1, 10);
const CONFIG = {
  placements: [
    { id: 'hero', goal: ['Product Added', 'Order Completed'], attributionDays: 3, variants: [{ id: 'a' }, { id: 'b' }] },
    // No attributionDays: the SDK's 7 days.
    { id: 'banner', goal: 'Product Added', variants: [{ id: 'x' }] },
  ],
};

const at = (time: number) => new Date(time).toISOString();
const viewed = (who: string, variant: string, time = START, placement = 'hero') =>
  trackEvent('Variant Viewed', { placement, variant, reason: 'weighted', group: 'treatment' }, { anonymousId: who, timestamp: at(time) });
const converted = (who: string, variant: string, time = START + HOUR, goal = 'Product Added', placement = 'hero', value?: number) =>
  trackEvent('Variant Converted', { placement, variant, group: 'treatment', goal, ...(value === undefined ? {} : { value, currency: 'EUR' }) }, { anonymousId: who, timestamp: at(time) });

let c: TestCollector;
afterEach(() => c.stop());

const start = (config: unknown = CONFIG, clock = CLOCK) => startTestCollector({ config, adminToken: TOKEN, clock: () => clock });
const post = async (events: unknown[]) => {
  const res = await c.post(batchOf(events), { path: '/v1/batch?site=shop' });
  expect(res.status).toBe(200);
};
const stats = async (placement = 'hero') => {
  const body = (await (await fetch(`${c.url}/v1/stats?site=shop`)).json()) as { variants: { placement: string; variant: string; impressions: number; conversions: number }[] };
  return Object.fromEntries(body.variants.filter((v) => v.placement === placement).map((v) => [v.variant, [v.impressions, v.conversions]]));
};
const report = async (placement = 'hero') => {
  const res = await fetch(`${c.url}/v1/report?site=shop&from=2024-05-01&to=2024-05-20`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  const body = (await res.json()) as Report;
  const p = body.placements.find((x) => x.placement === placement);
  return Object.fromEntries((p?.variants ?? []).map((v) => [v.variant, { visitors: v.visitors, impressions: v.impressions, converters: v.converters, conversions: v.conversions, value: v.value }]));
};

describe('forged variant events', () => {
  it('does not count a conversion without the exposure, in the bandit or the report', async () => {
    c = await start();
    await post([viewed('honest', 'a'), ...Array.from({ length: 50 }, (_, i) => converted(`ghost-${i}`, 'b'))]);
    expect(await stats()).toEqual({ a: [1, 0] });
    const r = await report();
    expect(r.b).toBeUndefined();
    expect(r.a).toMatchObject({ visitors: 1, converters: 0, conversions: 0 });
  });

  it("does not count a conversion after the attribution window: the placement's days, 7 without them, 30 without a config", async () => {
    c = await start();
    await post([
      viewed('in', 'a'),
      converted('in', 'a', START + 2 * DAY),
      viewed('late', 'a'),
      converted('late', 'a', START + 4 * DAY),
      // The window runs from the latest counted impression.
      viewed('back', 'a'),
      viewed('back', 'a', START + 3 * DAY),
      converted('back', 'a', START + 5 * DAY),
      viewed('b6', 'x', START, 'banner'),
      converted('b6', 'x', START + 6 * DAY, 'Product Added', 'banner'),
      viewed('b8', 'x', START, 'banner'),
      converted('b8', 'x', START + 8 * DAY, 'Product Added', 'banner'),
    ]);
    expect(await stats()).toEqual({ a: [4, 2] });
    expect(await report()).toMatchObject({ a: { visitors: 3, converters: 2, conversions: 2 } });
    expect(await stats('banner')).toEqual({ x: [2, 1] });
    await c.stop();

    c = await start({ placements: [] }, START + 40 * DAY);
    await post([viewed('v1', 'a'), converted('v1', 'a', START + 29 * DAY), viewed('v2', 'a'), converted('v2', 'a', START + 31 * DAY)]);
    expect(await stats()).toEqual({ a: [2, 1] });
  });

  it('caps one visitor: 200 forged impressions and 200 conversions move the rate by one visitor at most', async () => {
    c = await start();
    // Ten honest visitors of each variant; two of a's convert, three of b's.
    const honest = ['a', 'b'].flatMap((variant, k) =>
      Array.from({ length: 10 }, (_, i) => [viewed(`${variant}${i}`, variant), ...(i < 2 + k ? [converted(`${variant}${i}`, variant)] : [])]).flat(),
    );
    await post(honest);
    expect(await stats()).toEqual({ a: [10, 2], b: [10, 3] });
    // The forger posts as curl would: 200 of each within a few seconds, for variant a,
    // with every goal the placement has and some it has not.
    const goals = ['Product Added', 'Order Completed', 'Made Up', 'Another'];
    const flood = Array.from({ length: 200 }, (_, i) => [
      viewed('forger', 'a', START + i * 10),
      converted('forger', 'a', START + 1000 + i * 10, goals[i % goals.length], 'hero', 100),
    ]).flat();
    await post(flood);
    // One more impression and one more conversion for the bandit: 3 of 11, one visitor's worth.
    expect(await stats()).toEqual({ a: [11, 3], b: [10, 3] });
    // The report: one visitor more, converting once per goal of the placement (2), with their value.
    expect((await report()).a).toEqual({ visitors: 11, impressions: 11, converters: 3, conversions: 4, value: 200 });
  });

  it('counts one impression per visitor and minute, as one per page view', async () => {
    c = await start();
    await post([viewed('v', 'a', START), viewed('v', 'a', START + 30_000), viewed('v', 'a', START + 60_000), viewed('v', 'a', START + 10 * 60_000)]);
    expect(await stats()).toEqual({ a: [3, 0] });
    // Sent late, an earlier impression counts nothing: the member was already exposed.
    await post([viewed('v', 'a', START - 5 * 60_000)]);
    expect(await stats()).toEqual({ a: [3, 0] });
  });

  it('converts each goal once per exposure; without a config at most five goals', async () => {
    c = await start({ placements: [] });
    await post([viewed('v', 'a'), ...Array.from({ length: 10 }, (_, i) => [converted('v', 'a', START + HOUR, `Goal ${i}`), converted('v', 'a', START + HOUR, `Goal ${i}`)]).flat()]);
    expect(await stats()).toEqual({ a: [1, 1] });
    expect((await report()).a).toMatchObject({ visitors: 1, converters: 1, conversions: 5 });
  });
});
