import { describe, expect, it } from 'vitest';
import { applyEvent, createProfileState, DEFAULT_PROFILE_OPTIONS, profileView } from '../../src/profile/profile';
import type { AttuneEvent, EventContext, JsonObject } from '../../src/core/types';
import { eventContext } from '../fixtures';

const T0 = Date.UTC(2026, 10, 25, 9);
const MIN = 6e4;
const DAY = 864e5;

const context = eventContext;

let seq = 0;
const at = (ms: number, e: Partial<AttuneEvent>): AttuneEvent => ({
  type: 'track',
  anonymousId: 'a',
  messageId: `m${seq++}`,
  timestamp: new Date(ms).toISOString(),
  context: context(),
  ...e,
});
const track = (ms: number, event: string, properties: JsonObject = {}) => at(ms, { type: 'track', event, properties });
const page = (ms: number, url = 'https://shop.test/', extra: Partial<EventContext> = {}) => at(ms, { type: 'page', context: context(url, extra) });

const learn = (events: AttuneEvent[]) => {
  const state = createProfileState('anon-1');
  events.forEach((e) => applyEvent(state, e));
  return state;
};

describe('profile: visits and counters', () => {
  it('starts empty', () => {
    const view = profileView(createProfileState('anon-1'), T0);
    expect(view).toMatchObject({
      anonymousId: 'anon-1',
      visits: 0,
      returning: false,
      pageViews: 0,
      events: 0,
      topCategory: null,
      topTags: [],
      priceBand: null,
      cart: { items: [], count: 0, value: 0 },
      orders: { count: 0, revenue: 0, averageValue: 0, daysSinceLast: null },
      session: null,
    });
  });

  it('counts a new visit after 30 minutes of inactivity, not before', () => {
    const state = learn([page(T0), page(T0 + 29 * MIN), track(T0 + 58 * MIN, 'Ping'), page(T0 + 89 * MIN)]);
    const view = profileView(state, T0 + 90 * MIN);
    expect(view.visits).toBe(2);
    expect(view.returning).toBe(true);
    expect(view.pageViews).toBe(3);
    expect(view.events).toBe(4);
    expect(view.session).toMatchObject({ number: 2, pageViews: 1, events: 1, startedAt: T0 + 89 * MIN });
    expect(view.firstSeen).toBe(T0);
    expect(view.lastSeen).toBe(T0 + 89 * MIN);
    expect(view.counters).toEqual({ Ping: 1 });
  });

  it('starts a new visit when a page arrives with a new campaign', () => {
    const state = learn([page(T0), page(T0 + MIN, 'https://shop.test/?utm_campaign=spring', { campaign: { name: 'spring', medium: 'cpc' } })]);
    const view = profileView(state, T0 + MIN);
    expect(view.visits).toBe(2);
    expect(view.session?.campaign).toEqual({ name: 'spring', medium: 'cpc' });
  });

  it('honours a custom session timeout', () => {
    const state = createProfileState('x');
    const options = { ...DEFAULT_PROFILE_OPTIONS, sessionTimeoutMinutes: 5 };
    [page(T0), page(T0 + 6 * MIN)].forEach((e) => applyEvent(state, e, options));
    expect(state.visits).toBe(2);
  });

  it('keeps the session context of the visit: referrer class, device, locale, landing page', () => {
    const state = learn([
      page(T0, 'https://shop.test/shoes', { page: { url: 'https://shop.test/shoes', path: '/shoes', search: '', referrer: 'https://www.google.com/', title: '' } }),
      page(T0 + MIN, 'https://shop.test/other', { page: { url: 'https://shop.test/other', path: '/other', search: '', referrer: 'https://shop.test/shoes', title: '' } }),
    ]);
    expect(profileView(state, T0 + MIN).session).toMatchObject({
      referrer: { class: 'search', host: 'www.google.com' },
      device: 'desktop',
      locale: 'en-GB',
      timezone: 'Europe/London',
      landingPath: '/shoes',
    });
  });

  it('reports the local hour of the moment the view is made', () => {
    const state = learn([page(T0)]);
    expect(profileView(state, T0).session?.localHour).toBe(new Date(T0).getHours());
  });

  it('merges identify traits and keeps the user id', () => {
    const state = learn([
      at(T0, { type: 'identify', userId: 'u-7', traits: { plan: 'pro', email: 'a@b.c' } }),
      at(T0 + 1, { type: 'identify', traits: { plan: 'team' } }),
    ]);
    const view = profileView(state, T0);
    expect(view.userId).toBe('u-7');
    expect(view.traits).toEqual({ plan: 'team', email: 'a@b.c' });
  });
});

describe('profile: affinities decay exponentially', () => {
  it('weighs views 1, adds 3 and purchases 5, for categories and tags', () => {
    const state = learn([
      track(T0, 'Product Viewed', { product_id: 'p1', category: 'shoes', tags: ['eco', 'running'], price: 80 }),
      track(T0, 'Product Added', { product_id: 'p1', category: 'shoes', tags: ['eco'], price: 80 }),
      track(T0, 'Product Viewed', { product_id: 'p2', category: 'bags', tags: ['leather'], price: 120 }),
      track(T0, 'Order Completed', { order_id: 'o1', products: [{ product_id: 'p1', category: 'shoes', price: 80, quantity: 1 }] }),
    ]);
    const view = profileView(state, T0);
    expect(view.affinities.categories).toEqual({ shoes: 9, bags: 1 });
    expect(view.affinities.tags).toEqual({ eco: 4, running: 1, leather: 1 });
    expect(view.topCategory).toBe('shoes');
    expect(view.topTags).toEqual(['eco', 'running', 'leather']);
  });

  it('halves every half-life (7 days by default), and new interest overtakes old', () => {
    const state = learn([
      ...Array.from({ length: 4 }, (_, i) => track(T0 + i, 'Product Viewed', { product_id: `s${i}`, category: 'shoes' })),
      track(T0 + 14 * DAY, 'Product Viewed', { product_id: 'b1', category: 'bags' }),
      track(T0 + 14 * DAY, 'Product Viewed', { product_id: 'b2', category: 'bags' }),
    ]);
    const view = profileView(state, T0 + 14 * DAY);
    expect(view.affinities.categories.shoes).toBeCloseTo(1, 2); // 4 × ½ × ½
    expect(view.affinities.categories.bags).toBe(2);
    expect(view.topCategory).toBe('bags');
    expect(profileView(state, T0 + 21 * DAY).affinities.categories.bags).toBeCloseTo(1, 3);
  });

  it('uses the configured half-life', () => {
    const state = createProfileState('x');
    const options = { ...DEFAULT_PROFILE_OPTIONS, affinityHalfLifeDays: 1 };
    applyEvent(state, track(T0, 'Product Viewed', { category: 'hats' }), options);
    expect(profileView(state, T0 + DAY, options).affinities.categories.hats).toBe(0.5);
  });
});

describe('profile: commerce', () => {
  it('keeps the cart: adds, quantities, removals', () => {
    const state = learn([
      track(T0, 'Product Added', { product_id: 'p1', price: 10, quantity: 2, category: 'socks' }),
      track(T0 + 1, 'Product Added', { product_id: 'p2', price: 5.5 }),
      track(T0 + 2, 'Product Added', { product_id: 'p1', price: 10 }),
      track(T0 + 3, 'Product Removed', { product_id: 'p2' }),
      track(T0 + 4, 'Product Removed', { product_id: 'p1', quantity: 1 }),
    ]);
    const view = profileView(state, T0 + 5);
    expect(view.cart).toEqual({ items: [{ product_id: 'p1', quantity: 2, price: 10, category: 'socks' }], count: 2, value: 20, updatedAt: T0 + 4 });
  });

  it('learns recency, frequency and monetary value from orders, and empties the cart', () => {
    const state = learn([
      track(T0, 'Product Added', { product_id: 'p1', price: 10 }),
      track(T0, 'Order Completed', { order_id: 'o1', revenue: 30, total: 35, products: [{ product_id: 'p1', price: 10, quantity: 3 }] }),
      track(T0 + 2 * DAY, 'Order Completed', { order_id: 'o2', total: 50, products: [{ product_id: 'p2' }] }),
      track(T0 + 3 * DAY, 'Order Completed', { order_id: 'o3', products: [{ product_id: 'p3', price: '4', quantity: 5 }] }),
    ]);
    const view = profileView(state, T0 + 10 * DAY);
    expect(view.orders).toEqual({ count: 3, revenue: 100, averageValue: 33.333, firstAt: T0, lastAt: T0 + 3 * DAY, daysSinceLast: 7 });
    expect(view.purchased).toEqual(['p3', 'p2', 'p1']);
    expect(view.cart.items).toEqual([]);
  });

  it('remembers the 20 most recently viewed products, newest first, without repeats', () => {
    const views = Array.from({ length: 25 }, (_, i) => track(T0 + i, 'Product Viewed', { product_id: `p${i}` }));
    const state = learn([...views, track(T0 + 30, 'Product Viewed', { product_id: 'p10' })]);
    const view = profileView(state, T0 + 31);
    expect(view.recentlyViewed).toHaveLength(20);
    expect(view.recentlyViewed.slice(0, 3)).toEqual(['p10', 'p24', 'p23']);
    expect(view.recentlyViewed.filter((id) => id === 'p10')).toHaveLength(1);
  });

  it('places the average price viewed in a band', () => {
    const band = (prices: number[]) =>
      profileView(learn(prices.map((price, i) => track(T0 + i, 'Product Viewed', { product_id: `p${i}`, price }))), T0).priceBand;
    expect(band([10, 20])).toBe('budget');
    expect(band([20, 60])).toBe('mid');
    expect(band([150, 90])).toBe('premium');
    // The bands' upper bounds are exclusive: an average of exactly 25 is mid.
    expect(band([5, 45])).toBe('mid');
  });

  it('takes the price band from products viewed and added, not from products taken out of the cart', () => {
    const state = learn([
      track(T0, 'Product Viewed', { product_id: 'p1', price: 20 }),
      track(T0 + 1, 'Product Added', { product_id: 'p1', price: 20 }),
      track(T0 + 2, 'Product Removed', { product_id: 'p1', price: 400 }),
    ]);
    const view = profileView(state, T0 + 3);
    expect(view.prices).toEqual({ count: 2, sum: 40, min: 20, max: 20 });
    expect(view.priceBand).toBe('budget');
    expect(view.cart.items).toEqual([]);
  });

  it('ignores malformed commerce properties without failing', () => {
    const state = learn([
      track(T0, 'Product Viewed', { product_id: null, category: 42 as never, tags: 'not-a-list', price: 'cheap' }),
      track(T0, 'Order Completed', { products: 'none' }),
      track(T0, 'Product Removed', { product_id: 'never-added' }),
    ]);
    const view = profileView(state, T0);
    expect(view.orders.count).toBe(1);
    expect(view.cart.items).toEqual([]);
    expect(view.affinities.categories).toEqual({ '42': 1 });
    expect(view.priceBand).toBeNull();
  });
});

describe('profile view', () => {
  it('is plain JSON that does not share objects with the state', () => {
    const state = learn([track(T0, 'Product Added', { product_id: 'p1', price: 1 })]);
    const view = profileView(state, T0);
    view.cart.items[0].quantity = 99;
    view.traits.x = 1;
    expect(state.cart.items[0].quantity).toBe(1);
    expect(state.traits).toEqual({});
    expect(JSON.parse(JSON.stringify(view))).toEqual(view);
  });
});

describe('profile: quiz outcomes', () => {
  it('learns a finished quiz from "Quiz Completed": outcome, answers, tags, scores, and the outcome traits', () => {
    const state = learn([
      track(T0, 'Quiz Completed', {
        quiz_id: 'finder',
        outcome: 'runner',
        answers: { activity: 'run', weather: ['rain'] },
        tags: ['running', 7 as never],
        scores: { run: 2, junk: 'x' },
        traits: { quizOutcome: 'runner' },
      }),
      track(T0 + DAY, 'Quiz Completed', { quiz_id: 'finder', outcome: 'hiker', traits: { quizOutcome: 'hiker' } }),
      track(T0 + DAY, 'Quiz Completed', { outcome: 'no quiz id' }),
    ]);
    const view = profileView(state, T0 + DAY);
    // The latest finish of a quiz is what is kept.
    expect(view.quizzes).toEqual({ finder: { outcome: 'hiker', answers: {}, tags: [], scores: {}, at: T0 + DAY } });
    expect(view.traits).toEqual({ quizOutcome: 'hiker' });
    const first = learn([track(T0, 'Quiz Completed', { quiz_id: 'finder', outcome: 'runner', answers: { activity: 'run' }, tags: ['running', 7 as never], scores: { run: 2, junk: 'x' } })]);
    expect(first.quizzes!.finder).toEqual({ outcome: 'runner', answers: { activity: 'run' }, tags: ['running'], scores: { run: 2 }, at: T0 });
  });
});

describe('profile: names from the page are only names', () => {
  it('counts toString, constructor, hasOwnProperty and __proto__ like any other event name or category', () => {
    const names = ['toString', 'constructor', 'hasOwnProperty', '__proto__'];
    const state = learn([
      ...names.flatMap((name) => [track(T0, name), track(T0 + 1, name)]),
      ...names.map((category, i) => track(T0 + 2 + i, 'Product Viewed', { product_id: `p${i}`, category, tags: [category] })),
      at(T0 + 10, { type: 'identify', traits: JSON.parse('{"__proto__": {"admin": true}, "constructor": "x"}') }),
    ]);
    for (const name of names) expect(Object.getOwnPropertyDescriptor(state.counters, name)?.value).toBe(2);
    expect(Object.getPrototypeOf(state.counters)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(state.traits)).toBe(Object.prototype);
    expect((state.traits as Record<string, unknown>).admin).toBeUndefined();
    const view = profileView(state, T0 + 20);
    for (const name of names) {
      expect(Object.getOwnPropertyDescriptor(view.affinities.categories, name)?.value).toBe(1);
      expect(Object.getOwnPropertyDescriptor(view.affinities.tags, name)?.value).toBe(1);
    }
    expect(JSON.parse(JSON.stringify(view)).counters).toEqual(JSON.parse('{"toString":2,"constructor":2,"hasOwnProperty":2,"__proto__":2,"Product Viewed":4}'));
  });

  it('never shows enumerable properties a page added to Object.prototype', () => {
    (Object.prototype as Record<string, unknown>).polluted = 'yes';
    try {
      const state = learn([track(T0, 'A'), track(T0, 'Product Viewed', { product_id: 'p', category: 'shoes', tags: ['eco'] })]);
      const view = profileView(state, T0);
      const found: string[] = [];
      const walk = (v: unknown, path: string) => {
        if (!v || typeof v !== 'object') return;
        for (const key of Object.keys(v)) walk((v as Record<string, unknown>)[key], `${path}.${key}`);
        if (Object.keys(v).includes('polluted')) found.push(path);
      };
      walk(view, '$');
      expect(found).toEqual([]);
      expect(view.affinities).toEqual({ categories: { shoes: 1 }, tags: { eco: 1 } });
      expect(view.counters).toEqual({ A: 1, 'Product Viewed': 1 });
    } finally {
      delete (Object.prototype as Record<string, unknown>).polluted;
    }
  });
});
