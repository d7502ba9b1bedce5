// @vitest-environment node
// Server-side trigger detection over stored events, with a fake clock: each signal
// fires once, at the right time, for the right visitor, and not for one who ordered
// or came back.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningCollector } from '../../../server';
import { collectorFor, DAY, event, fakeClock, MINUTE, post, reportRows, signals, T0, tempDir } from './fixture';

let dir: Awaited<ReturnType<typeof tempDir>>;
let collector: RunningCollector;
let clock: ReturnType<typeof fakeClock>;

beforeEach(async () => {
  dir = await tempDir();
  clock = fakeClock();
});
afterEach(async () => {
  await collector?.close();
  await dir.remove();
});

const start = async (triggers: Record<string, number> = {}) => {
  collector = await collectorFor(dir.file(), clock.now, { triggers });
};
const at = async (time: number) => {
  clock.set(time);
  await collector.runTriggers();
};
const who = (name: string) => signals(dir.file(), name).map((s) => s.anonymous_id);

describe('Cart Abandoned', () => {
  it('fires once per cart, after the window, only for visitors who neither ordered nor came back', async () => {
    await start({ cartAbandonedMinutes: 60 });
    const added = (v: string, t: number) => event(v, 'Product Added', { product_id: 'boot', price: 120, quantity: 1, category: 'boots' }, t);
    await post(collector, [added('alice', T0), added('bob', T0), added('carol', T0), added('dan', T0)]);
    await post(collector, [event('bob', 'Order Completed', { order_id: 'o1', revenue: 120, products: [{ product_id: 'boot', price: 120 }] }, T0 + 10 * MINUTE)]);
    clock.set(T0 + 40 * MINUTE);
    await post(collector, [event('carol', null, {}, T0 + 40 * MINUTE)]);
    await post(collector, [event('dan', 'Product Removed', { product_id: 'boot', quantity: 1 }, T0 + 40 * MINUTE)]);

    await at(T0 + 59 * MINUTE);
    expect(who('Cart Abandoned')).toEqual([]);
    await at(T0 + 61 * MINUTE);
    expect(who('Cart Abandoned')).toEqual(['alice']);
    const [signal] = signals(dir.file(), 'Cart Abandoned');
    expect(signal.payload).toMatchObject({
      type: 'track',
      event: 'Cart Abandoned',
      anonymousId: 'alice',
      timestamp: new Date(T0 + 61 * MINUTE).toISOString(),
      properties: { products: [{ product_id: 'boot', quantity: 1, price: 120 }], value: 120, cart_updated_at: new Date(T0).toISOString() },
      context: { library: { name: 'attune-collector' } },
    });
    // Carol came back at +40 without ordering: her cart is abandoned a window after that visit.
    await at(T0 + 99 * MINUTE);
    expect(who('Cart Abandoned')).toEqual(['alice']);
    await at(T0 + 101 * MINUTE);
    await at(T0 + 300 * MINUTE);
    expect(who('Cart Abandoned')).toEqual(['alice', 'carol']);
  });

  it('a changed cart is a new cause; the same cart never fires twice, even after a restart', async () => {
    await start({ cartAbandonedMinutes: 30 });
    await post(collector, [event('erin', 'Product Added', { product_id: 'sock', price: 9 }, T0)]);
    await at(T0 + 31 * MINUTE);
    await at(T0 + 62 * MINUTE);
    expect(who('Cart Abandoned')).toEqual(['erin']);
    await collector.close();
    collector = await collectorFor(dir.file(), clock.now, { triggers: { cartAbandonedMinutes: 30 } });
    await at(T0 + 120 * MINUTE);
    expect(who('Cart Abandoned')).toEqual(['erin']);
    clock.set(T0 + 121 * MINUTE);
    await post(collector, [event('erin', 'Product Added', { product_id: 'hat', price: 20 }, T0 + 121 * MINUTE)]);
    await at(T0 + 152 * MINUTE);
    expect(who('Cart Abandoned')).toEqual(['erin', 'erin']);
    expect(signals(dir.file(), 'Cart Abandoned')[1].payload.properties.value).toBe(29);
    // Counted once each in the report, also after a restart (which folds what was stored since the last fold).
    await collector.close();
    collector = await collectorFor(dir.file(), clock.now, { triggers: { cartAbandonedMinutes: 30 } });
    await at(T0 + 10 * DAY);
    expect(reportRows(dir.file(), 0).signals).toBe(2);
  });

  it('drops a cart that fell due more than a week before detection saw it (an outage, a late import)', async () => {
    await start({ cartAbandonedMinutes: 60 });
    await post(collector, [event('old', 'Product Added', { product_id: 'boot', price: 1 }, T0)]);
    clock.set(T0 + 2 * DAY);
    await post(collector, [event('new', 'Product Added', { product_id: 'boot', price: 1 }, T0 + 2 * DAY)]);
    await at(T0 + 8 * DAY + 2 * MINUTE * 60);
    expect(who('Cart Abandoned')).toEqual(['new']);
  });
});

describe('Browse Abandoned', () => {
  it('fires for a product viewed browseViews times and not carted, after the window', async () => {
    await start({ browseViews: 3, browseAbandonedMinutes: 60 });
    const view = (v: string, t: number) => event(v, 'Product Viewed', { product_id: 'tent', price: 300, category: 'camping' }, t);
    await post(collector, [view('fay', T0), view('fay', T0 + MINUTE), view('fay', T0 + 2 * MINUTE)]);
    await post(collector, [view('gus', T0), view('gus', T0 + MINUTE), view('gus', T0 + 2 * MINUTE), event('gus', 'Product Added', { product_id: 'tent', price: 300 }, T0 + 3 * MINUTE)]);
    await post(collector, [view('hal', T0), view('hal', T0 + MINUTE)]);
    await at(T0 + 61 * MINUTE);
    expect(who('Browse Abandoned')).toEqual([]);
    await at(T0 + 63 * MINUTE);
    expect(who('Browse Abandoned')).toEqual(['fay']);
    expect(signals(dir.file(), 'Browse Abandoned')[0].payload.properties).toEqual({ product_id: 'tent', views: 3 });
    await at(T0 + 10 * DAY);
    expect(who('Browse Abandoned')).toEqual(['fay']);
  });
});

describe('one person across devices', () => {
  it('an order or a visit on another device of the same user settles or postpones the cart', async () => {
    await start({ cartAbandonedMinutes: 60 });
    const add = (v: string, user: string) => event(v, 'Product Added', { product_id: 'boot', price: 10 }, T0, { userId: user });
    await post(collector, [add('phone-1', 'u1'), add('phone-2', 'u2'), add('phone-3', 'u3')]);
    clock.set(T0 + 30 * MINUTE);
    await post(collector, [event('laptop-1', 'Order Completed', { order_id: 'o', products: [{ product_id: 'boot' }] }, T0 + 30 * MINUTE, { userId: 'u1' })]);
    await post(collector, [event('laptop-2', null, {}, T0 + 30 * MINUTE, { userId: 'u2' })]);
    await at(T0 + 61 * MINUTE);
    expect(who('Cart Abandoned')).toEqual(['phone-3']);
    await at(T0 + 91 * MINUTE);
    expect(who('Cart Abandoned')).toEqual(['phone-3', 'phone-2']);
    expect(signals(dir.file(), 'Cart Abandoned')[1].payload.userId).toBe('u2');
  });
});

describe('Win-back', () => {
  it('fires for a customer with no visit for winBackDays, counted from the last visit', async () => {
    await start({ winBackDays: 60 });
    const order = (v: string, t: number) => event(v, 'Order Completed', { order_id: `o-${v}`, revenue: 50, products: [{ product_id: 'mug', price: 50 }] }, t);
    await post(collector, [order('ivy', T0), order('jon', T0), event('kim', null, {}, T0)]);
    clock.set(T0 + 30 * DAY);
    await post(collector, [event('jon', null, {}, T0 + 30 * DAY)]);
    await at(T0 + 59 * DAY);
    expect(who('Win-back')).toEqual([]);
    await at(T0 + 61 * DAY);
    expect(who('Win-back')).toEqual(['ivy']);
    expect(signals(dir.file(), 'Win-back')[0].payload.properties).toMatchObject({ days_since_visit: 61, orders: 1 });
    // A signal is no visit: nobody is active on its day, also once a restart has folded what was stored since.
    await collector.close();
    collector = await collectorFor(dir.file(), clock.now, { triggers: { winBackDays: 60 } });
    expect(reportRows(dir.file(), Math.floor((T0 + 61 * DAY) / DAY))).toEqual({ signals: 1, activeThatDay: 0 });
    await at(T0 + 89 * DAY);
    expect(who('Win-back')).toEqual(['ivy']);
    await at(T0 + 91 * DAY);
    await at(T0 + 200 * DAY);
    expect(who('Win-back')).toEqual(['ivy', 'jon']);
  });
});

describe('who is in a signal', () => {
  it('only visitors with stored events: the SDK sends nothing before consent, and a catalog push adds nobody', async () => {
    await start();
    const { putCatalog } = await import('./fixture');
    const response = await putCatalog(collector, [{ id: 'p', title: 'P', url: '/p', categories: ['x'], createdAt: T0 - DAY }]);
    expect(response.status).toBe(200);
    await at(T0 + 100 * DAY);
    expect(signals(dir.file())).toEqual([]);
  });
});
