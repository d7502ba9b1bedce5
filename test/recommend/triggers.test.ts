// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { applyEvent, createProfileState, type ProfileState } from '../../src/profile/profile';
import type { AttuneEvent, JsonObject } from '../../src/core/types';
import { createTriggerMemory, detectTriggers, type TriggerMemory } from '../../src/recommend/triggers';
import { visitorOf } from '../../src/recommend/visitor';
import type { Product } from '../../src/recommend/catalog';
import { eventContext } from '../fixtures';
import { product } from './data';

const T0 = Date.UTC(2026, 10, 25, 9);
const MIN = 6e4;
const HOUR = 36e5;
const DAY = 864e5;

let seq = 0;
const track = (ms: number, event: string, properties: JsonObject = {}): AttuneEvent => ({
  type: 'track',
  event,
  properties,
  anonymousId: 'a',
  messageId: `m${seq++}`,
  timestamp: new Date(ms).toISOString(),
  context: eventContext(),
});
const learn = (state: ProfileState, ...events: AttuneEvent[]) => (events.forEach((e) => applyEvent(state, e)), state);
const viewed = (ms: number, id: string, category = 'shoes') => track(ms, 'Product Viewed', { product_id: id, category, price: 50 });

// Runs the detectors as a page would: keeping the memory between calls.
const runner = (catalog: () => Product[]) => {
  let memory: TriggerMemory = createTriggerMemory();
  return (state: ProfileState, now: number, options = {}) => {
    const result = detectTriggers(state, catalog(), now, options, memory);
    memory = JSON.parse(JSON.stringify(result.memory)); // as stored and read back
    return result.events;
  };
};

describe('Cart Abandoned', () => {
  const catalog = [product('tent', { currency: 'EUR', price: 200 }), product('mug', { price: 8 })];

  it('is emitted once, on a later page, when the cart is untouched for the set time with no order', () => {
    const state = learn(createProfileState('a'), track(T0, 'Product Added', { product_id: 'tent', price: 200, quantity: 1 }), track(T0 + MIN, 'Product Added', { product_id: 'mug', price: 8, quantity: 2 }));
    const run = runner(() => catalog);
    expect(run(state, T0 + 30 * MIN)).toEqual([]);
    const [event, ...rest] = run(state, T0 + MIN + HOUR);
    expect(rest).toEqual([]);
    expect(event).toEqual({
      event: 'Cart Abandoned',
      properties: {
        products: [
          { product_id: 'tent', quantity: 1, price: 200 },
          { product_id: 'mug', quantity: 2, price: 8 },
        ],
        value: 216,
        currency: 'EUR',
        cart_updated_at: new Date(T0 + MIN).toISOString(),
      },
    });
    expect(run(state, T0 + 5 * HOUR)).toEqual([]);
    // A changed cart, abandoned again, is reported again.
    learn(state, track(T0 + 6 * HOUR, 'Product Removed', { product_id: 'mug', quantity: 2 }));
    expect(run(state, T0 + 6 * HOUR + 10 * MIN, { cartAbandonedAfterMs: 5 * MIN }).map((e) => e.event)).toEqual(['Cart Abandoned']);
  });

  it('is not emitted for an empty cart or after an order', () => {
    const state = learn(createProfileState('a'), track(T0, 'Product Added', { product_id: 'tent', price: 200 }), track(T0 + MIN, 'Order Completed', { order_id: 'o1', products: [{ product_id: 'tent', price: 200 }] }));
    expect(runner(() => catalog)(state, T0 + DAY)).toEqual([]);
  });
});

describe('Back In Stock', () => {
  it('is emitted once when a product viewed while out of stock is in stock again', () => {
    let catalog = [product('boots', { categories: ['shoes'], inStock: false, price: 90 }), product('socks', { categories: ['shoes'] })];
    const run = runner(() => catalog);
    const state = learn(createProfileState('a'), viewed(T0, 'boots'));
    expect(run(state, T0)).toEqual([]);
    learn(state, viewed(T0 + MIN, 'socks'));
    expect(run(state, T0 + MIN)).toEqual([]);
    catalog = catalog.map((p) => ({ ...p, inStock: true }));
    expect(run(state, T0 + DAY)).toEqual([{ event: 'Back In Stock', properties: { product_id: 'boots', name: 'boots', url: '/p/boots', price: 90, category: 'shoes' } }]);
    expect(run(state, T0 + DAY + MIN)).toEqual([]);
  });

  it('is not emitted for a product that was in stock when viewed', () => {
    let catalog = [product('boots'), product('hat')];
    const run = runner(() => catalog);
    const state = learn(createProfileState('a'), viewed(T0, 'boots'));
    expect(run(state, T0)).toEqual([]);
    // Out of stock later, and seen again only as an old entry of the history.
    catalog = [product('boots', { inStock: false }), product('hat')];
    learn(state, viewed(T0 + MIN, 'hat'));
    expect(run(state, T0 + MIN)).toEqual([]);
    catalog = [product('boots'), product('hat')];
    expect(run(state, T0 + DAY)).toEqual([]);
  });

  it('notices a product viewed again while out of stock, and forgets it after watchForMs', () => {
    const inStock = [product('boots'), product('hat')];
    const state = learn(createProfileState('a'), viewed(T0, 'hat'), viewed(T0 + MIN, 'boots'));
    let memory = detectTriggers(state, inStock, T0 + MIN).memory;
    // hat viewed again, now out of stock: it moves to the front of the history.
    learn(state, viewed(T0 + 2 * MIN, 'hat'));
    memory = detectTriggers(state, [product('boots'), product('hat', { inStock: false })], T0 + 2 * MIN, {}, memory).memory;
    expect(memory.watching).toEqual({ hat: T0 + 2 * MIN });
    expect(detectTriggers(state, inStock, T0 + DAY, {}, memory).events.map((e) => e.event)).toEqual(['Back In Stock']);
    expect(detectTriggers(state, inStock, T0 + 40 * DAY, {}, memory).events).toEqual([]);
  });

  it('counts a repeated view of the latest product as a new view', () => {
    const state = learn(createProfileState('a'), viewed(T0, 'hat'));
    let memory = detectTriggers(state, [product('hat')], T0).memory;
    learn(state, viewed(T0 + MIN, 'hat'));
    memory = detectTriggers(state, [product('hat', { inStock: false })], T0 + MIN, {}, memory).memory;
    expect(memory.watching).toEqual({ hat: T0 + MIN });
  });
});

describe('New Arrival', () => {
  it('announces new in-stock products of the top category, newest first, one per call, each once', () => {
    const state = learn(createProfileState('a'), viewed(T0, 'old-boot'), viewed(T0 + MIN, 'old-shoe'), track(T0 + 2 * MIN, 'Product Viewed', { product_id: 'cap', category: 'hats' }));
    const catalog = [
      product('old-boot', { categories: ['shoes'], createdAt: T0 - 100 * DAY }),
      product('fresh', { categories: ['shoes'], createdAt: T0 + 2 * DAY }),
      product('fresher', { categories: ['shoes'], createdAt: T0 + 3 * DAY }),
      product('sold-out', { categories: ['shoes'], createdAt: T0 + 3 * DAY, inStock: false }),
      product('before-visitor', { categories: ['shoes'], createdAt: T0 - DAY }),
      product('new-hat', { categories: ['hats'], createdAt: T0 + 3 * DAY }),
    ];
    const run = runner(() => catalog);
    const names = (events: { properties: JsonObject }[]) => events.map((e) => e.properties.product_id);
    expect(names(run(state, T0 + 4 * DAY))).toEqual(['fresher']);
    expect(names(run(state, T0 + 4 * DAY + MIN))).toEqual(['fresh']);
    expect(names(run(state, T0 + 4 * DAY + 2 * MIN))).toEqual([]);
    expect(names(runner(() => catalog)(state, T0 + 4 * DAY, { maxNewArrivals: 5 }))).toEqual(['fresher', 'fresh']);
    // Past the "new" window: nothing.
    expect(names(runner(() => catalog)(state, T0 + 30 * DAY))).toEqual([]);
  });

  it('leaves products the visitor already viewed, and visitors without a top category, alone', () => {
    const catalog = [product('fresh', { categories: ['shoes'], createdAt: T0 + DAY })];
    const fan = learn(createProfileState('a'), viewed(T0, 'x'), viewed(T0 + 2 * DAY, 'fresh'));
    expect(runner(() => catalog)(fan, T0 + 3 * DAY)).toEqual([]);
    const stranger = learn(createProfileState('b'), track(T0, 'Signed Up'));
    expect(runner(() => catalog)(stranger, T0 + 3 * DAY)).toEqual([]);
  });
});

describe('detectTriggers', () => {
  it('does not change the memory it is given', () => {
    const state = learn(createProfileState('a'), viewed(T0, 'boots'));
    const memory = createTriggerMemory();
    const result = detectTriggers(state, [product('boots', { inStock: false })], T0, {}, memory);
    expect(memory).toEqual({ watching: {}, announced: {} });
    expect(result.memory.watching).toEqual({ boots: T0 });
  });
});

describe('visitorOf', () => {
  it('reads the lists and the decayed affinities from a profile', () => {
    const state = learn(
      createProfileState('a'),
      viewed(T0, 'boots'),
      track(T0 + MIN, 'Product Added', { product_id: 'tent', category: 'camping', price: 10 }),
      track(T0 + 2 * MIN, 'Product Added', { product_id: 'mug', price: 3 }),
    );
    const visitor = visitorOf(state, T0 + 7 * DAY + 2 * MIN, { outcomeTags: ['eco'] });
    expect(visitor).toMatchObject({ viewed: ['boots'], carted: ['mug', 'tent'], purchased: [], outcomeTags: ['eco'] });
    // One 7-day half-life later: camping 3 → 1.5, shoes 1 → 0.5 (to the profile's rounding).
    expect(visitor.affinities!.categories).toEqual({ shoes: 0.5, camping: 1.5 });
  });

  it('takes outcome tags from finished quizzes, each once, when none are given', () => {
    const state = Object.assign(createProfileState('a'), {
      quizzes: { old: { outcome: 'x', tags: ['trail', 'budget'], scores: {}, at: T0 }, latest: { outcome: 'y', tags: ['vegan', 'trail'], scores: {}, at: T0 + DAY } },
    });
    expect([...visitorOf(state, T0 + DAY).outcomeTags!].sort()).toEqual(['budget', 'trail', 'vegan']);
    expect(visitorOf(state, T0 + DAY, { outcomeTags: ['given'] }).outcomeTags).toEqual(['given']);
    expect(visitorOf(createProfileState('b'), T0).outcomeTags).toEqual([]);
  });
});
