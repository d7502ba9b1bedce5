// @vitest-environment node
// Server-side rendering: under plain Node (no window, document or navigator; Node 20 has
// no global navigator) createAttune() returns an inert instance that never throws.
import { describe, expect, it } from 'vitest';
import { createAttune } from '../../src/index';

describe('createAttune under Node', () => {
  it('returns an inert instance whose every method answers without throwing', async () => {
    expect(typeof window).toBe('undefined');
    const attune = createAttune({ site: 'ssr', endpoint: 'http://127.0.0.1:9', config: { placements: [{ id: 'hero', variants: [{ id: 'a' }] }] } });
    await attune.ready;
    attune.track('Viewed', { a: 1 });
    attune.page();
    attune.identify('u1', { plan: 'pro' });
    attune.alias('old');
    attune.group('acme');
    attune.productViewed({ product_id: 'p1' });
    attune.orderCompleted({ order_id: 'o1', total: 1 });
    expect(attune.decide('hero')).toMatchObject({ variant: null, reason: 'error' });
    attune.viewed('hero');
    expect(attune.setConfig({ placements: [] })).toEqual([]);
    expect(attune.profile()).toMatchObject({ anonymousId: '', visits: 0 });
    expect(attune.consent()).toBe('pending');
    expect(attune.stats()).toBeNull();
    expect(await attune.outboxSize()).toBe(0);
    expect(await attune.export()).toBeUndefined();
    await attune.flush();
    await attune.forget();
    await attune.mountWidgets();
    const off = attune.on('event', () => {});
    off();
    attune.destroy();
  });
});
