// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_BATCH_BYTES, MAX_EVENT_BYTES } from '../../server';
import { batchOf, startTestCollector, trackEvent, type TestCollector } from './helpers';

let c: TestCollector;
beforeEach(async () => {
  c = await startTestCollector();
});
afterEach(() => c.stop());

interface Problem {
  index: number | null;
  path: string;
  message: string;
}

// Every bad request: a 400 whose errors match `expected`, and no row in any table.
async function expectRejected(res: Response, expected: Partial<Problem>[]): Promise<Problem[]> {
  expect(res.status).toBe(400);
  const { errors } = (await res.json()) as { errors: Problem[] };
  expect(errors).toEqual(expect.arrayContaining(expected.map((e) => expect.objectContaining(e))));
  for (const e of errors) expect(e.message.length).toBeGreaterThan(5);
  expect([c.count('events'), c.count('variant_stats'), c.count('interactions')]).toEqual([0, 0, 0]);
  return errors;
}

// A batch with some bad events: a 200 storing the good ones, naming each bad one by index.
async function expectPartial(res: Response, stored: number, rejected: Partial<Problem>[]): Promise<Problem[]> {
  expect(res.status).toBe(200);
  const body = (await res.json()) as { stored: number; duplicates: number; rejected: Problem[] };
  expect(body.stored).toBe(stored);
  expect(body.rejected).toEqual(expect.arrayContaining(rejected.map((e) => expect.objectContaining(e))));
  expect(new Set(body.rejected.map((e) => e.index))).toEqual(new Set(rejected.map((e) => e.index)));
  expect(c.count('events')).toBe(stored);
  return body.rejected;
}

describe('POST /v1/batch rejects bad requests whole, and bad events one by one, with reasons', () => {
  it('malformed JSON', async () => {
    const errors = await expectRejected(await c.post('{"batch": [ {"type": "track",'), [{ index: null, path: '' }]);
    expect(errors[0].message).toMatch(/not well-formed JSON/);
  });

  it('a body that is not { batch: [...] }', async () => {
    await expectRejected(await c.post([trackEvent('A')]), [{ index: null, path: 'batch' }]);
    await expectRejected(await c.post({ batch: 'nope' }), [{ index: null, path: 'batch' }]);
  });

  it('a batch over 500 KB, even though every event in it is valid', async () => {
    const big = 'x'.repeat(20_000);
    const events = Array.from({ length: 30 }, () => trackEvent('Big', { big }));
    const body = JSON.stringify(batchOf(events));
    expect(body.length).toBeGreaterThan(MAX_BATCH_BYTES);
    const errors = await expectRejected(await c.post(body), [{ index: null }]);
    expect(errors[0].message).toMatch(/at most 512000/);
  });

  it('a batch far over the limit is cut short and still answered 400', async () => {
    const body = JSON.stringify(batchOf([trackEvent('Huge', { big: 'y'.repeat(5 * 1024 * 1024) })]));
    await expectRejected(await c.post(body), [{ index: null }]);
  });

  it('an event over 32 KB, naming its index, while the others are stored', async () => {
    const events = [trackEvent('Ok'), trackEvent('Big', { big: 'z'.repeat(MAX_EVENT_BYTES) }), trackEvent('Ok')];
    const rejected = await expectPartial(await c.post(batchOf(events)), 2, [{ index: 1, path: '' }]);
    expect(rejected).toHaveLength(1);
    expect(rejected[0].message).toMatch(/at most 32768/);
  });

  it('missing required fields, each named with its path', async () => {
    const events = [
      trackEvent('Ok'),
      trackEvent('A', {}, { messageId: undefined }),
      trackEvent('B', {}, { timestamp: undefined }),
      trackEvent('C', {}, { anonymousId: undefined }),
      trackEvent('D', {}, { event: undefined }),
      trackEvent('E', {}, { type: undefined }),
    ];
    await expectPartial(await c.post(batchOf(events)), 1, [
      { index: 1, path: 'messageId' },
      { index: 2, path: 'timestamp' },
      { index: 3, path: 'anonymousId' },
      { index: 4, path: 'event' },
      { index: 5, path: 'type' },
    ]);
  });

  it('wrong types and values', async () => {
    const events = [
      trackEvent('A', {}, { messageId: 42 }),
      trackEvent('B', {}, { timestamp: 'yesterday' }),
      trackEvent('C', {}, { timestamp: '2024-13-45T99:00:00Z' }),
      trackEvent('D', {}, { type: 'screen' }),
      trackEvent('E', {}, { properties: ['a'] }),
      trackEvent('F', {}, { userId: { id: 1 } }),
      'not an event',
      trackEvent('Variant Viewed', { variant: 'b' }),
      trackEvent('Variant Converted', { placement: 'hero', variant: 7 }),
      trackEvent('Variant Viewed', { placement: 'hero', variant: 'b', group: 'control' }),
      trackEvent('Variant Converted', { placement: 'hero', variant: 'b', value: 1e12 }),
      trackEvent('Variant Converted', { placement: 'hero', variant: 'b', value: 5, currency: 'euro' }),
    ];
    await expectRejected(await c.post(batchOf(events)), [
      { index: 0, path: 'messageId' },
      { index: 1, path: 'timestamp' },
      { index: 2, path: 'timestamp' },
      { index: 3, path: 'type' },
      { index: 4, path: 'properties' },
      { index: 5, path: 'userId' },
      { index: 6, path: '' },
      { index: 7, path: 'properties.placement' },
      { index: 8, path: 'properties.variant' },
      { index: 9, path: 'properties.group' },
      { index: 10, path: 'properties.value' },
      { index: 11, path: 'properties.currency' },
    ]);
  });

  it('an invalid site, from the query, the body or an event', async () => {
    await expectRejected(await c.post(batchOf([trackEvent('A')]), { path: '/v1/batch?site=../etc' }), [{ index: null, path: 'site' }]);
    await expectRejected(await c.post(batchOf([trackEvent('A')], { site: 'a b' })), [{ index: null, path: 'site' }]);
    await expectRejected(await c.post(batchOf([trackEvent('A', {}, { context: { site: '' } })])), [{ index: 0, path: 'context.site' }]);
  });

  it('a wrong or missing content type', async () => {
    const body = batchOf([trackEvent('A')]);
    const errors = await expectRejected(await c.post(body, { contentType: 'application/x-www-form-urlencoded' }), [{ index: null }]);
    expect(errors[0].message).toMatch(/Content-Type/);
    const res = await fetch(`${c.url}/v1/batch`, { method: 'POST', body: new Uint8Array(Buffer.from(JSON.stringify(body))) });
    await expectRejected(res, [{ index: null }]);
  });

  it('a compressed body', async () => {
    await expectRejected(await c.post(batchOf([trackEvent('A')]), { headers: { 'Content-Encoding': 'gzip' } }), [{ index: null }]);
  });

  it('names every rejected event of a batch full of problems, listing further problems up to 100', async () => {
    const events = Array.from({ length: 300 }, () => ({ type: 'track' }));
    const errors = await expectRejected(await c.post(batchOf(events)), [{ index: 0 }, { index: 299 }]);
    // Each event has four problems. The first of each is always listed, the others only while the
    // list is shorter than 100: all four for events 0-24, then one each for the other 275.
    expect(new Set(errors.map((e) => e.index)).size).toBe(300);
    expect(errors).toHaveLength(25 * 4 + 275);
  });

  it('stores the good events of a batch whose last event alone is bad', async () => {
    // 49 visitors: one visitor's impressions within a minute count once (server/exposure-rules.ts).
    const events = [...Array.from({ length: 49 }, (_, i) => trackEvent('Variant Viewed', { placement: 'p', variant: 'a' }, { anonymousId: `v${i}` })), { type: 'track' }];
    await expectPartial(await c.post(batchOf(events)), 49, [{ index: 49 }]);
    expect((await (await fetch(`${c.url}/v1/stats`)).json()).variants[0].impressions).toBe(49);
  });
});
