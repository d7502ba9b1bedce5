// @vitest-environment node
// The pure trigger fold's arming and disarming, without a database.
import { describe, expect, it } from 'vitest';
import { sitesFrom } from '../../../server/sites';
import { foldTriggers, triggerKeys, type TriggerState } from '../../../server/triggers/fold';
import type { ValidEvent } from '../../../server/validate-event';

const T0 = Date.UTC(2024, 4, 1, 12);
const MIN = 60_000;
const DAY = 864e5;
const sites = sitesFrom({
  sites: { s: { writeKeys: ['wk_test_0123456789abcdef'], triggers: { cartAbandonedMinutes: 30, browseAbandonedMinutes: 45, browseViews: 2, winBackDays: 20 } } },
});
const settingsOf = (site: string) => sites.get(site);

let n = 0;
function ev(event: string, properties: Record<string, unknown>, time: number, visitor = 'v'): ValidEvent {
  return { site: 's', type: 'track', event, messageId: `m${++n}`, timestamp: new Date(time).toISOString(), time, anonymousId: visitor, userId: null, properties, payload: '{}' };
}
const empty = (): TriggerState => ({ visitors: new Map(), carts: new Map(), views: new Map() });
const view = (time: number, product = 'p1') => ev('Product Viewed', { product_id: product, price: 10, category: 'shoes' }, time);

describe('the pure trigger fold', () => {
  it('arms Cart Abandoned at each change of a non-empty cart, from the latest change, and disarms it when the cart empties', () => {
    const added = foldTriggers(empty(), [ev('Product Added', { product_id: 'p1', quantity: 2, price: 5 }, T0), ev('Product Added', { product_id: 'p2' }, T0 + MIN)], settingsOf);
    expect(added.carts).toEqual([['s', 'v', JSON.stringify([{ product_id: 'p1', quantity: 2, price: 5 }, { product_id: 'p2', quantity: 1, price: 0 }]), T0 + MIN]]);
    expect(added.pending).toEqual([['s', 'v', 'cart', '', T0 + MIN, T0 + MIN + 30 * MIN]]);
    // Adding cancels any browse signal of the visitor.
    expect(added.pendingClears).toEqual([['s', 'v', 'browse']]);

    const stored: TriggerState = { ...empty(), carts: new Map([['s\0v', { items: JSON.stringify([{ product_id: 'p1', quantity: 1, price: 5 }]), updated_at: T0 }]]) };
    const emptied = foldTriggers(stored, [ev('Product Removed', { product_id: 'p1' }, T0 + MIN)], settingsOf);
    expect(emptied.cartDrops).toEqual([['s', 'v']]);
    expect(emptied.carts).toEqual([]);
    expect(emptied.pendingClears).toEqual([['s', 'v', 'cart']]);
    expect(emptied.pending).toEqual([]);
  });

  it('arms Browse Abandoned at the site’s number of views within a spell, not for a bought product, and an order settles it', () => {
    const once = foldTriggers(empty(), [view(T0)], settingsOf);
    expect(once.views).toEqual([['s', 'p1', 'v', 1, T0, 10, 0]]);
    expect(once.pending).toEqual([]);
    const twice = foldTriggers(empty(), [view(T0), view(T0 + MIN)], settingsOf);
    expect(twice.pending).toEqual([['s', 'v', 'browse', 'p1', T0 + MIN, T0 + MIN + 45 * MIN]]);
    // A stored view 8 days before starts no spell with this one.
    const stale: TriggerState = { ...empty(), views: new Map([['s\0p1\0v', ['s', 'p1', 'v', 5, T0 - 8 * DAY, 10, 0]]]) };
    expect(foldTriggers(stale, [view(T0)], settingsOf).views).toEqual([['s', 'p1', 'v', 1, T0, 10, 0]]);
    const bought: TriggerState = { ...empty(), views: new Map([['s\0p1\0v', ['s', 'p1', 'v', 1, T0 - MIN, 10, 1]]]) };
    expect(foldTriggers(bought, [view(T0)], settingsOf).pending).toEqual([]);
    const ordered = foldTriggers(empty(), [view(T0), view(T0 + MIN), ev('Order Completed', { products: [{ product_id: 'p1', price: 10 }] }, T0 + 2 * MIN)], settingsOf);
    expect(ordered.views).toEqual([['s', 'p1', 'v', 2, T0 + MIN, 10, 1]]);
    expect(ordered.pendingClears.sort()).toEqual([['s', 'v', 'browse'], ['s', 'v', 'cart']]);
    expect(ordered.pending).toEqual([['s', 'v', 'winback', '', T0 + 2 * MIN, T0 + 2 * MIN + 20 * DAY]]);
  });

  it('keeps each visitor’s row: ids, first and last seen, orders and affinity; skips sites that do not exist', () => {
    const out = foldTriggers(empty(), [view(T0 + MIN), view(T0), ev('Order Completed', { products: [{ product_id: 'p3', category: 'bags' }] }, T0 + 2 * MIN), { ...view(T0), site: 'nope' }], settingsOf);
    expect(out.visitors).toHaveLength(1);
    const [site, visitor, anonymousId, userId, first, last, orders, lastOrder, , scores, top, , , full] = out.visitors[0];
    expect([site, visitor, anonymousId, userId, first, last, orders, lastOrder, top, full]).toEqual(['s', 'v', 'v', null, T0, T0 + 2 * MIN, 1, T0 + 2 * MIN, 'bags', true]);
    expect(Object.keys(JSON.parse(scores))).toEqual(['shoes', 'bags']);
    expect(triggerKeys([view(T0), { ...view(T0), site: 'nope' }], settingsOf)).toEqual({ visitors: [['s', 'v']], carts: [], views: [['s', 'p1', 'v']] });
  });
});
