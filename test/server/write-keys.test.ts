// @vitest-environment node
// Sites and keys over real HTTP and SQLite: writes need a key of the site, pulls of a
// site not in the sites file are 404, CORS follows each site's origins, rate limits
// answer 429 with Retry-After, and the config serves only what the SDK reads.
import { afterEach, describe, expect, it } from 'vitest';
import { batchOf, startTestCollector, trackEvent, type TestCollector } from './helpers';

const KEY = 'wk_shop_0123456789abcdef';
const OTHER_KEY = 'wk_other_0123456789abcdef';
const SITES = {
  sites: {
    shop: { writeKeys: [KEY], origins: ['https://shop.example'] },
    other: { writeKeys: [OTHER_KEY], origins: ['https://other.example'] },
  },
};
const basic = (key: string) => ({ Authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` });
const event = () => trackEvent('Product Viewed', { product_id: 'p1' });

let c: TestCollector;
afterEach(() => c.stop());

describe('POST /v1/batch with a sites file', () => {
  it('stores a batch with the key as the Basic user name or as the body writeKey', async () => {
    c = await startTestCollector({ sites: SITES });
    const byHeader = await c.post(batchOf([event()]), { path: '/v1/batch?site=shop', headers: basic(KEY) });
    expect(byHeader.status).toBe(200);
    // The beacon's way: no headers, the key in the body (text/plain, as sendBeacon sends).
    const byBody = await c.post(batchOf([event()], { writeKey: KEY }), { path: '/v1/batch?site=shop', contentType: 'text/plain' });
    expect(byBody.status).toBe(200);
    expect(c.count('events', "site = 'shop'")).toBe(2);
  });

  it('refuses a missing, wrong or other site key with 401 naming the problem, and stores nothing', async () => {
    c = await startTestCollector({ sites: SITES });
    const cases: [string, Parameters<TestCollector['post']>[1], unknown, RegExp][] = [
      ['missing', { path: '/v1/batch?site=shop' }, batchOf([event()]), /needs its write key/],
      ['wrong Basic', { path: '/v1/batch?site=shop', headers: basic('wk_wrong_0123456789abcdef') }, batchOf([event()]), /not one of site "shop"'s keys/],
      ['wrong body', { path: '/v1/batch?site=shop' }, batchOf([event()], { writeKey: 'nope' }), /not one of site "shop"'s keys/],
      ['another site', { path: '/v1/batch?site=shop', headers: basic(OTHER_KEY) }, batchOf([event()]), /not one of/],
      ['not Basic', { path: '/v1/batch?site=shop', headers: { Authorization: `Bearer ${KEY}` } }, batchOf([event()]), /must be HTTP Basic/],
      ['unknown site', { path: '/v1/batch?site=ghost', headers: basic(KEY) }, batchOf([event()]), /site "ghost" is not served/],
      // No ?site=: each event's site (here the default) is checked once the events are read.
      ['default site', { headers: basic(KEY) }, batchOf([event()]), /site "default" is not served/],
    ];
    for (const [name, init, body, message] of cases) {
      const res = await c.post(body, init);
      expect(res.status, name).toBe(401);
      const { error } = await res.json();
      expect(error, name).toMatch(message);
      // Never which keys exist.
      expect(error, name).not.toContain(KEY);
      expect(error, name).not.toContain(OTHER_KEY);
    }
    expect(c.count()).toBe(0);
  });

  it('checks the site each event names when the request names none', async () => {
    c = await startTestCollector({ sites: SITES });
    const inShop = trackEvent('Product Viewed', { product_id: 'p1' }, { context: { site: 'shop' } });
    const inOther = trackEvent('Product Viewed', { product_id: 'p1' }, { context: { site: 'other' } });
    expect((await c.post(batchOf([inShop]), { headers: basic(KEY) })).status).toBe(200);
    expect((await c.post(batchOf([inShop, inOther]), { headers: basic(KEY) })).status).toBe(401);
    expect(c.count()).toBe(1);
  });
});

describe('pulls with a sites file', () => {
  it('answers 404 for a site not in the file, and serves the ones in it', async () => {
    c = await startTestCollector({ sites: SITES, config: { placements: [] } });
    for (const path of ['/v1/stats', '/v1/cooccurrence', '/v1/popular', '/v1/config']) {
      const res = await fetch(`${c.url}${path}?site=ghost`);
      expect(res.status, path).toBe(404);
      expect((await res.json()).error, path).toMatch(/site "ghost" is not served/);
      expect((await fetch(`${c.url}${path}?site=shop`)).status, path).toBe(200);
    }
  });
});

describe('CORS with a sites file', () => {
  it("allows each site's own origins only", async () => {
    c = await startTestCollector({ sites: SITES, origins: ['https://global.example'] });
    const stats = (site: string, origin: string) => fetch(`${c.url}/v1/stats?site=${site}`, { headers: { Origin: origin } });
    const allowed = await stats('shop', 'https://shop.example');
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect((await stats('shop', 'https://other.example')).status).toBe(403);
    // The global list is the open mode's; with a sites file the sites' own lists decide.
    expect((await stats('shop', 'https://global.example')).status).toBe(403);
    const post = await c.post(batchOf([event()], { writeKey: KEY }), { path: '/v1/batch?site=shop', contentType: 'text/plain', headers: { Origin: 'https://other.example' } });
    expect(post.status).toBe(403);
    expect(c.count()).toBe(0);
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After per visitor, storing nothing of the batch, and lets other visitors through', async () => {
    c = await startTestCollector({ sites: SITES, rateLimits: { perVisitor: { burst: 5, perSecond: 0.5 } } });
    const as = (anonymousId: string, n: number) => Array.from({ length: n }, () => trackEvent('Product Viewed', { product_id: 'p1' }, { anonymousId }));
    const send = (events: unknown[]) => c.post(batchOf(events), { path: '/v1/batch?site=shop', headers: basic(KEY) });
    expect((await send(as('busy', 4))).status).toBe(200);
    const refused = await send(as('busy', 3));
    expect(refused.status).toBe(429);
    // 2 events short at 0.5 a second: 4 s.
    expect(refused.headers.get('retry-after')).toBe('4');
    expect((await refused.json()).error).toMatch(/too many events from one visitor/);
    expect(c.count()).toBe(4);
    expect((await send(as('calm', 3))).status).toBe(200);
    expect(c.count()).toBe(7);
  });

  it('answers 429 per client address before reading the request', async () => {
    c = await startTestCollector({ sites: SITES, rateLimits: { perAddress: { burst: 3, perSecond: 0.1 } } });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await c.post(batchOf([event()]), { path: '/v1/batch?site=shop', headers: basic(KEY) })).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const res = await c.post(batchOf([event()]), { path: '/v1/batch?site=shop', headers: basic(KEY) });
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(c.count()).toBe(3);
  });

  it('is off in the open mode unless asked for', async () => {
    c = await startTestCollector();
    const many = Array.from({ length: 500 }, () => event());
    for (let i = 0; i < 3; i++) expect((await c.post(batchOf(many))).status).toBe(200);
  });
});

describe('GET /v1/config', () => {
  it('serves only what the SDK reads: no descriptions, notes or drafts', async () => {
    const config = {
      $schema: 'https://unpkg.com/attune/schema/attune.config.schema.json',
      notes: 'PRIVATE: the spring sale starts 1 March',
      segments: { returning: { when: { 'visits.count': { $gte: 2 } }, description: 'PRIVATE segment note' } },
      placements: [
        {
          id: 'hero',
          selector: '#hero',
          description: 'PRIVATE placement note',
          draft: { variants: ['PRIVATE draft'] },
          goal: 'Order Completed',
          attributionDays: 3,
          variants: [
            { id: 'a', description: 'PRIVATE variant note', content: { ops: [{ selector: 'h1', text: 'Hello', note: 'PRIVATE op' }] } },
            { id: 'b', weight: 1, when: { segments: { $in: ['returning'] } } },
          ],
        },
      ],
      holdout: 0.05,
    };
    c = await startTestCollector({ config });
    const served = await (await fetch(`${c.url}/v1/config`)).json();
    expect(JSON.stringify(served)).not.toContain('PRIVATE');
    expect(served).toEqual({
      segments: { returning: { when: { 'visits.count': { $gte: 2 } } } },
      placements: [
        {
          id: 'hero',
          selector: '#hero',
          variants: [{ id: 'a', content: { ops: [{ selector: 'h1', text: 'Hello' }] } }, { id: 'b', when: { segments: { $in: ['returning'] } }, weight: 1 }],
          goal: 'Order Completed',
          attributionDays: 3,
        },
      ],
      holdout: 0.05,
    });
  });
});
