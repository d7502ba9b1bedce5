// decide() on an instance: config in, sticky assignments kept in IndexedDB across
// instances, statistics from setStats, impressions and attributed conversions as
// events, and problems reported with their JSON paths while the rest keeps working.
import { afterEach, describe, expect, it } from 'vitest';
import { makeAttune, uniqueSite } from '../helpers';
import type { Attune, AttuneEvent } from '../../src/index';

const BANDIT = {
  placements: [
    {
      id: 'hero',
      strategy: 'bandit',
      goal: 'Order Completed',
      variants: [{ id: 'a' }, { id: 'b' }, { id: 'c' }],
    },
  ],
};

const tracked = async (attune: Attune, name: string) =>
  ((await attune.export())!.events as AttuneEvent[]).filter((e) => e.event === name).map((e) => e.properties);

afterEach(() => history.replaceState(null, '', '/'));

describe('decide()', () => {
  it('follows rules on the page context and explains which one matched', () => {
    history.replaceState(null, '', '/?utm_campaign=eco');
    const { attune, errors } = makeAttune({
      config: {
        placements: [
          {
            id: 'hero',
            variants: [
              { id: 'eco', when: { 'context.campaign.name': 'eco' } },
              { id: 'plain' },
            ],
          },
        ],
      },
    });
    expect(attune.decide('hero')).toEqual({ variant: 'eco', reason: 'rule', group: 'treatment', segment: null, explain: { rule: { variant: 'eco', index: 0, when: { 'context.campaign.name': 'eco' } } } });
    expect(errors).toEqual([]);
  });

  it('reads config given as JSON text, and reports text that is not JSON', () => {
    const { attune } = makeAttune({ config: JSON.stringify({ placements: [{ id: 'p', variants: [{ id: 'only' }] }] }) });
    expect(attune.decide('p').variant).toBe('only');
    const { attune: other, errors } = makeAttune({ config: '{ "placements": [' });
    expect(other.decide('p')).toMatchObject({ variant: null, reason: 'error' });
    expect(errors.map((e) => [e.code, e.path])).toEqual([
      ['config-invalid', 'config'],
      ['unknown-placement', 'decide'],
    ]);
  });

  it('keeps a bandit choice sticky across instances through IndexedDB', async () => {
    const site = uniqueSite();
    const first = makeAttune({ site, config: BANDIT }).attune;
    const chosen = first.decide('hero');
    expect(chosen.reason).toBe('bandit');
    // Decided once per view: asking again does not draw again.
    expect(first.decide('hero')).toEqual(chosen);
    await first.flush();
    expect((await first.export())!.decisions.assignments).toEqual({ hero: { variant: chosen.variant, version: 0 } });
    first.destroy();

    const second = makeAttune({ site, config: BANDIT }).attune;
    await second.ready;
    expect(second.decide('hero')).toMatchObject({ variant: chosen.variant, reason: 'sticky', explain: { sticky: { variant: chosen.variant, version: 0 } } });

    // A new version re-randomises: the stored assignment no longer counts.
    const bumped = makeAttune({ site, config: { placements: [{ ...BANDIT.placements[0], version: 1 }] } }).attune;
    await bumped.ready;
    expect(bumped.decide('hero').reason).toBe('bandit');
  });

  it('lets the bandit read statistics given with setStats, in the collector shape', () => {
    const { attune } = makeAttune({ config: { placements: [{ ...BANDIT.placements[0], sticky: false }] } });
    attune.setStats({
      variants: [
        { placement: 'hero', variant: 'a', segment: null, impressions: 10000, conversions: 100 },
        { placement: 'hero', variant: 'b', segment: null, impressions: 10000, conversions: 900 },
        { placement: 'hero', variant: 'c', segment: null, impressions: 10000, conversions: 100 },
      ],
    });
    const decision = attune.decide('hero');
    expect(decision.explain.bandit!.arms).toEqual([
      { id: 'a', impressions: 10000, conversions: 100 },
      { id: 'b', impressions: 10000, conversions: 900 },
      { id: 'c', impressions: 10000, conversions: 100 },
    ]);
    // With 9 % against 1 %, only the 1 % exploration floor (3 % over three arms) can pick another.
    if (!decision.explain.bandit!.explored) expect(decision.variant).toBe('b');
  });

  it('records an impression once per view, and credits a later goal once', async () => {
    const { attune } = makeAttune({ config: BANDIT });
    await attune.ready;
    const { variant } = attune.decide('hero');
    attune.viewed('hero');
    attune.viewed('hero');
    attune.orderCompleted({ order_id: 'o1', total: 10 });
    attune.orderCompleted({ order_id: 'o2', total: 10 });
    await attune.flush();
    expect(await tracked(attune, 'Variant Viewed')).toEqual([{ placement: 'hero', variant, reason: 'bandit', segment: null, group: 'treatment' }]);
    expect(await tracked(attune, 'Variant Converted')).toEqual([
      { placement: 'hero', variant, reason: 'bandit', segment: null, group: 'treatment', goal: 'Order Completed', value: 10 },
    ]);
    // This device's own observations count until the backend's statistics include them.
    expect((await attune.export())!.decisions.local).toEqual({ hero: { '*': { [variant!]: { impressions: 1, conversions: 1 } } } });
  });

  it('runs the valid placements of a config with errors, reporting each left-out placement with its path', () => {
    const { attune, errors } = makeAttune({
      config: {
        placements: [
          { id: 'ok', variants: [{ id: 'x' }] },
          { id: 'bad', strategy: 'weighted', variants: [{ id: 'a', weight: 0.7 }, { id: 'b', weight: 0.7 }] },
          { id: 'ops', slot: 's', variants: [{ id: 'v', content: { ops: [{ attr: { href: 'javascript:alert(1)' } }] } }] },
        ],
      },
    });
    expect(attune.decide('ok')).toMatchObject({ variant: 'x', reason: 'rule' });
    // Left out whole: its slot keeps the page's markup, rather than showing its first variant to everyone.
    expect(attune.decide('bad')).toMatchObject({ variant: null, reason: 'error', explain: { error: { path: '$.placements[1].variants' } } });
    // An unsafe URL is not the tag's reader's to find: applying the variant drops it (apply.test.ts); the door reports it.
    expect(attune.decide('ops')).toMatchObject({ variant: 'v' });
    expect(errors.map((e) => e.path)).toEqual(['config.placements[1].variants']);
    expect(errors.every((e) => e.code === 'config-invalid')).toBe(true);
  });

  it('records Segment Entered and Exited when a decision sees membership change', async () => {
    const { attune } = makeAttune({
      config: {
        segments: { 'empty-cart': { when: { 'cart.count': 0 } }, buyers: { when: { 'orders.count': { $gte: 1 } } } },
        placements: ['p1', 'p2'].map((id) => ({ id, segments: ['buyers'], strategy: 'bandit', goal: 'x', variants: [{ id: 'a' }] })),
      },
    });
    await attune.ready;
    expect(attune.decide('p1').segment).toBe(null);
    attune.productAdded({ product_id: 'p', price: 5 });
    attune.orderCompleted({ order_id: 'o1', total: 5 });
    attune.productAdded({ product_id: 'q', price: 5 });
    // A placement not decided yet in this view sees the visitor as they are now.
    expect(attune.decide('p2').segment).toBe('buyers');
    await attune.flush();
    expect(await tracked(attune, 'Segment Entered')).toEqual([{ segment: 'empty-cart' }, { segment: 'buyers' }]);
    expect(await tracked(attune, 'Segment Exited')).toEqual([{ segment: 'empty-cart' }]);
  });

  it('never throws for bad arguments, and reports them', () => {
    const { attune, errors } = makeAttune({ config: BANDIT });
    expect(attune.decide(42 as never)).toMatchObject({ variant: null, reason: 'error' });
    expect(attune.decide('nope')).toMatchObject({ variant: null, reason: 'error' });
    attune.viewed('nope');
    attune.setStats('junk');
    expect(attune.decide('hero').variant).toMatch(/^[abc]$/);
    expect(errors.map((e) => e.code)).toEqual(['invalid-argument', 'unknown-placement']);
  });
});

describe('measurement on every page', () => {
  const HERO = {
    placements: [{ id: 'hero', goal: ['Product Added', 'Order Completed'], holdout: 0.5, variants: [{ id: 'eco' }, { id: 'plain' }] }],
  };
  const memoryOf = async (attune: Attune) => (await attune.export())!.decisions;

  it('credits a goal on a page without config, once per goal name, with its value and currency', async () => {
    const site = uniqueSite();
    const home = makeAttune({ site, config: HERO }).attune;
    await home.ready;
    const shown = home.decide('hero');
    home.viewed('hero');
    await home.flush();
    home.destroy();
    // The product page: same site, no config at all.
    const product = makeAttune({ site }).attune;
    await product.ready;
    product.productAdded({ product_id: 'p1', price: 20 });
    product.productAdded({ product_id: 'p2', price: 30 });
    product.orderCompleted({ order_id: 'o1', revenue: 45, total: 50, currency: 'EUR' });
    await product.flush();
    expect(await tracked(product, 'Variant Converted')).toEqual([
      { placement: 'hero', variant: shown.variant, reason: shown.reason, segment: null, group: shown.group, goal: 'Product Added' },
      { placement: 'hero', variant: shown.variant, reason: shown.reason, segment: null, group: shown.group, goal: 'Order Completed', value: 45, currency: 'EUR' },
    ]);
  });

  it('keeps holdout membership across identify(), and draws it afresh when the version is bumped', async () => {
    const site = uniqueSite();
    const first = makeAttune({ site, config: HERO }).attune;
    await first.ready;
    const before = first.decide('hero');
    const bucket = (await memoryOf(first)).holdouts!.hero.bucket;
    expect(before.group).toBe(bucket < 0.5 ? 'holdout' : 'treatment');
    // A user id whose own hash falls on the other side of the share.
    const { hashBucket } = await import('../../src/decide/hash');
    let n = 0;
    while (hashBucket('hero:holdout:0', `user-${n}`) < 0.5 === bucket < 0.5) n++;
    first.identify(`user-${n}`);
    await first.flush();
    first.destroy();
    const next = makeAttune({ site, config: HERO }).attune;
    await next.ready;
    expect(next.decide('hero').group).toBe(before.group);
    next.destroy();
    const bumped = makeAttune({ site, config: { placements: [{ ...HERO.placements[0], version: 1 }] } }).attune;
    await bumped.ready;
    const redrawn = hashBucket('hero:holdout:1', `user-${n}`) < 0.5 ? 'holdout' : 'treatment';
    expect(bumped.decide('hero').group).toBe(redrawn);
    expect((await memoryOf(bumped)).holdouts!.hero).toEqual({ version: 1, bucket: hashBucket('hero:holdout:1', `user-${n}`) });
  });


  it('a site-wide holdout shows every default, records its group, and the bandit does not learn from it', async () => {
    const config = {
      holdout: 0.5,
      placements: [
        { id: 'hero', strategy: 'bandit', goal: 'Order Completed', variants: [{ id: 'a' }, { id: 'b' }] },
        { id: 'side', variants: [{ id: 'x', when: { 'context.page.path': { $exists: true } } }, { id: 'y' }] },
      ],
    };
    const groups = new Set<string>();
    for (let i = 0; i < 40 && groups.size < 2; i++) {
      const { attune } = makeAttune({ config });
      await attune.ready;
      const bucket = () => memoryOf(attune).then((m) => m.holdouts!.$site.bucket);
      const hero = attune.decide('hero');
      const side = attune.decide('side');
      const held = (await bucket()) < 0.5;
      groups.add(hero.group);
      expect([hero.group, side.group]).toEqual(held ? ['holdout', 'holdout'] : ['treatment', 'treatment']);
      if (held) expect([hero.variant, hero.reason, side.variant, side.reason]).toEqual(['a', 'holdout', 'x', 'holdout']);
      attune.viewed('hero');
      attune.orderCompleted({ order_id: 'o', revenue: 5 });
      await attune.flush();
      const viewed = await tracked(attune, 'Variant Viewed');
      expect(viewed[0]).toMatchObject(held ? { group: 'holdout', holdout: 'site' } : { group: 'treatment' });
      expect((await tracked(attune, 'Variant Converted'))[0]).toMatchObject({ group: hero.group, value: 5 });
      expect(JSON.parse(JSON.stringify((await memoryOf(attune)).local))).toEqual(held ? {} : { hero: { '*': { [hero.variant!]: { impressions: 1, conversions: 1 } } } });
    }
    expect(groups).toEqual(new Set(['holdout', 'treatment']));
  });
});
