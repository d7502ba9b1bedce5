// The small pure pieces between the engine and the instance: statistics in either
// shape, goal attribution, the stored memory, and the attributes conditions read.
import { describe, expect, it } from 'vitest';
import { attributeGoal, type Exposure } from '../../src/decide/attribution';
import { visitorAttributes } from '../../src/decide/attributes';
import { validateConfig } from '../../src/decide/config';
import { createDecisionMemory, mergeDecisionMemory } from '../../src/decide/memory';
import { addCounts, toBanditStats } from '../../src/decide/stats';
import { createProfileState, profileView } from '../../src/profile/profile';
import { eventContext } from '../fixtures';

const DAY = 864e5;

describe('toBanditStats', () => {
  it('reads the collector rows, segment null as *, and adds repeated rows', () => {
    const stats = toBanditStats({
      site: 's',
      variants: [
        { placement: 'hero', variant: 'a', segment: null, impressions: 10, conversions: 2, rate: 0.2 },
        { placement: 'hero', variant: 'a', segment: 'vip', impressions: 5, conversions: 1 },
        { placement: 'hero', variant: 'a', segment: null, impressions: 1, conversions: 0 },
      ],
    });
    expect(JSON.parse(JSON.stringify(stats))).toEqual({
      hero: { '*': { a: { impressions: 11, conversions: 2 } }, vip: { a: { impressions: 5, conversions: 1 } } },
    });
  });

  it('reads the config shape, and drops counts that are not whole numbers ≥ 0', () => {
    const stats = toBanditStats({ hero: { '*': { a: { impressions: -3, conversions: 1.5 }, b: { impressions: 7, conversions: 'x' } } } });
    expect(stats.hero['*'].a).toEqual({ impressions: 0, conversions: 0 });
    expect(stats.hero['*'].b).toEqual({ impressions: 7, conversions: 0 });
  });

  it('gives an empty, prototype-free map for anything else', () => {
    for (const body of [null, 3, 'x', [], { variants: 'no' }, { variants: [null, { placement: '' }] }]) {
      const stats = toBanditStats(body);
      expect(Object.keys(stats)).toEqual([]);
      expect(Object.getPrototypeOf(stats)).toBe(null);
    }
    expect(toBanditStats({ __proto__: { '*': {} } } as unknown).toString).toBe(undefined);
  });

  it('addCounts creates the path and adds', () => {
    const stats = {};
    addCounts(stats, 'p', null, 'v', { impressions: 1 });
    addCounts(stats, 'p', null, 'v', { impressions: 1, conversions: 1 });
    expect(stats).toEqual({ p: { '*': { v: { impressions: 2, conversions: 1 } } } });
  });
});

describe('attributeGoal', () => {
  const { config } = validateConfig({
    placements: [
      { id: 'hero', goal: ['Order Completed'], attributionDays: 2, variants: [{ id: 'a' }] },
      { id: 'side', goal: 'Signed Up', variants: [{ id: 'x' }] },
    ],
  });
  const lookup = (id: string) => config.placements.find((p) => p.id === id);
  // An exposure as impressions now record it: with its goals, value rule and window.
  const seen = (at: number, extra: Partial<Exposure> = {}): Exposure => ({
    variant: 'a', reason: 'bandit', segment: 'vip', group: 'treatment', at, goals: ['Order Completed', 'Product Added'], days: 2, ...extra,
  });

  it('credits the latest impression within the window, once per goal name, with no config at hand', () => {
    const exposures = { hero: seen(0) };
    expect(attributeGoal(exposures, 'Order Completed', { revenue: 42.5, total: 50, currency: 'eur' }, DAY)).toEqual([
      { placement: 'hero', variant: 'a', reason: 'bandit', segment: 'vip', group: 'treatment', goal: 'Order Completed', value: 42.5, currency: 'EUR', first: true },
    ]);
    expect(attributeGoal(exposures, 'Order Completed', { revenue: 10 }, DAY)).toEqual([]);
    // Another goal name converts the same exposure again, but not for the bandit.
    expect(attributeGoal(exposures, 'Product Added', {}, DAY)).toEqual([
      { placement: 'hero', variant: 'a', reason: 'bandit', segment: 'vip', group: 'treatment', goal: 'Product Added', first: false },
    ]);
    expect(exposures.hero.converted).toEqual(['Order Completed', 'Product Added']);
  });

  it("reads the value from the placement's property, or revenue then total for orders", () => {
    expect(attributeGoal({ hero: seen(0) }, 'Order Completed', { total: '19.90' }, 1)[0].value).toBe(19.9);
    expect(attributeGoal({ hero: seen(0, { value: 'amount' }) }, 'Order Completed', { revenue: 5, amount: 7 }, 1)[0].value).toBe(7);
    const none = attributeGoal({ hero: seen(0) }, 'Order Completed', { revenue: 'n/a', currency: 'EUR' }, 1)[0];
    expect(none).not.toHaveProperty('value');
    expect(none).not.toHaveProperty('currency');
  });

  it('leaves out a value beyond the shared limit, which the collector would refuse, and still converts', () => {
    const [huge] = attributeGoal({ hero: seen(0) }, 'Order Completed', { revenue: 2e9 }, 1);
    expect(huge).toMatchObject({ placement: 'hero', goal: 'Order Completed' });
    expect(huge).not.toHaveProperty('value');
    expect(attributeGoal({ hero: seen(0) }, 'Order Completed', { revenue: -1e9 }, 1)[0].value).toBe(-1e9);
  });

  it('keeps the group of a holdout exposure', () => {
    expect(attributeGoal({ hero: seen(0, { group: 'holdout', reason: 'holdout' }) }, 'Order Completed', {}, 1)[0]).toMatchObject({ group: 'holdout', reason: 'holdout' });
  });

  it('ignores other events, placements without an impression, and goals outside the window', () => {
    expect(attributeGoal({ hero: seen(0) }, 'Signed Up', {}, 1)).toEqual([]);
    expect(attributeGoal({}, 'Order Completed', {}, 1)).toEqual([]);
    expect(attributeGoal({ hero: seen(0) }, 'Order Completed', {}, 2 * DAY + 1)).toEqual([]);
    expect(attributeGoal({ hero: seen(10) }, 'Order Completed', {}, 5)).toEqual([]);
  });

  it('reads the placement for an exposure stored before exposures kept their goals; the default window is 7 days', () => {
    const old = { side: { variant: 'x', reason: 'rule' as const, segment: null, at: 0 } };
    expect(attributeGoal(old, 'Signed Up', {}, 7 * DAY, lookup)).toHaveLength(1);
    expect(attributeGoal({ hero: { variant: 'a', reason: 'rule', segment: null, at: 0, converted: true } }, 'Order Completed', {}, 1, lookup)).toEqual([]);
  });
});

describe('mergeDecisionMemory', () => {
  it('keeps stored assignments, newer exposures, and adds local counts', () => {
    const stored = { ...createDecisionMemory(), assignments: { hero: { variant: 'b', version: 0 } }, exposures: { hero: { variant: 'b', reason: 'sticky' as const, segment: null, at: 5 } } };
    addCounts(stored.local, 'hero', null, 'b', { impressions: 3 });
    const fresh = createDecisionMemory();
    fresh.assignments = { hero: { variant: 'a', version: 0 }, side: { variant: 'x', version: 1 } };
    fresh.exposures = { hero: { variant: 'a', reason: 'bandit', segment: null, at: 9 } };
    addCounts(fresh.local, 'hero', null, 'b', { impressions: 1, conversions: 1 });
    const merged = mergeDecisionMemory(stored, fresh);
    expect(merged.assignments).toEqual({ hero: { variant: 'b', version: 0 }, side: { variant: 'x', version: 1 } });
    expect(merged.holdouts).toEqual({});
    expect(merged.exposures.hero.at).toBe(9);
    expect(merged.local).toEqual({ hero: { '*': { b: { impressions: 4, conversions: 1 } } } });
  });

  it('takes the fresh memory when nothing usable was stored', () => {
    const fresh = createDecisionMemory();
    expect(mergeDecisionMemory(undefined, fresh)).toBe(fresh);
    expect(mergeDecisionMemory('junk' as never, fresh)).toBe(fresh);
  });
});

describe('visitorAttributes', () => {
  const context = eventContext('https://shop.test/a?utm_campaign=eco&ref=x');
  const profile = profileView(createProfileState('anon-1'), Date.now());

  it('adds context, page with its query, and the segments in order, each seeing the earlier ones', () => {
    const { config } = validateConfig({
      segments: {
        campaign: { when: { 'page.query.utm_campaign': 'eco' } },
        'campaign-new': { when: { segments: { $in: ['campaign'] }, returning: false } },
        broken: { when: { $nope: 1 } },
        later: { when: { segments: { $in: ['never'] } } },
        never: { when: { visits: 99 } },
      },
      placements: [],
    });
    const attributes = visitorAttributes(profile, context, config.segments);
    expect(attributes.page.query).toEqual({ utm_campaign: 'eco', ref: 'x' });
    expect(attributes.context).toBe(context);
    expect(attributes.anonymousId).toBe('anon-1');
    expect(attributes.segments).toEqual(['campaign', 'campaign-new']);
  });
});
