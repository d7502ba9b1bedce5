// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { idProblem, MAX_DEPTH, MAX_ID_LENGTH } from '../../src/core/limits';
import { batchOf, startTestCollector, trackEvent, type TestCollector } from './helpers';

let c: TestCollector;
beforeEach(async () => {
  c = await startTestCollector();
});
afterEach(() => c.stop());

interface Answer {
  stored: number;
  duplicates: number;
  rejected: { index: number; path: string; message: string }[];
}

// `levels` objects nested in one another: chain(1) is {}, chain(2) is { a: {} }.
function chain(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let i = 1; i < levels; i++) value = { a: value };
  return value;
}

describe('the collector applies the limits the SDK shares (src/core/limits.ts)', () => {
  it('accepts names and ids of MAX_ID_LENGTH, and refuses one more with the SDK’s own message', async () => {
    const longest = 'N'.repeat(MAX_ID_LENGTH);
    const over = 'N'.repeat(MAX_ID_LENGTH + 1);
    const res = await c.post(batchOf([trackEvent(longest), trackEvent(over), trackEvent('x', {}, { userId: over }), trackEvent('x', {}, { messageId: over })]));
    expect(res.status).toBe(200);
    const body = (await res.json()) as Answer;
    expect(body.stored).toBe(1);
    expect(body.rejected).toEqual([
      { index: 1, path: 'event', message: idProblem(over, 'a track event name') },
      { index: 2, path: 'userId', message: idProblem(over, 'userId') },
      { index: 3, path: 'messageId', message: idProblem(over, 'messageId') },
    ]);
  });

  it('accepts MAX_DEPTH levels of nesting and refuses one more', async () => {
    // The event is level 0 and its properties level 1, as deeperThan counts.
    const res = await c.post(batchOf([trackEvent('Deep', chain(MAX_DEPTH)), trackEvent('Deeper', chain(MAX_DEPTH + 1))]));
    const body = (await res.json()) as Answer;
    expect(body.stored).toBe(1);
    expect(body.rejected).toEqual([{ index: 1, path: 'properties', message: `nests deeper than ${MAX_DEPTH} levels` }]);
  });
});

describe('one bad event never sinks its batch', () => {
  it('stores the 19 good events beside a 201-character name, and names the bad one by index', async () => {
    const events = Array.from({ length: 20 }, (_, i) => trackEvent(i === 7 ? 'N'.repeat(201) : 'Good', { i }));
    const res = await c.post(batchOf(events));
    expect(res.status).toBe(200);
    const body = (await res.json()) as Answer;
    expect(body).toEqual({ stored: 19, duplicates: 0, rejected: [{ index: 7, path: 'event', message: expect.stringMatching(/1-200 characters, not 201/) }] });
    expect(c.count()).toBe(19);
    // Resent (as a sender retrying a lost answer would): the good ones are duplicates, the bad one still rejected.
    expect(await (await c.post(batchOf(events))).json()).toEqual({ ...body, stored: 0, duplicates: 19 });
  });

  it('still refuses a request whole for a problem of its own, and a batch with no valid event', async () => {
    const good = trackEvent('Good');
    const badSentAt = await c.post(batchOf([good], { sentAt: '2024-02-31T00:00:00Z' }));
    expect(badSentAt.status).toBe(400);
    expect((await badSentAt.json()).errors).toEqual([{ index: null, path: 'sentAt', message: expect.stringMatching(/February 2024 has 29 days/) }]);
    expect((await c.post(batchOf([good]), { path: '/v1/batch?site=a%20b' })).status).toBe(400);
    const allBad = await c.post(batchOf([trackEvent('N'.repeat(201)), { type: 'page' }]));
    expect(allBad.status).toBe(400);
    expect(new Set((await allBad.json()).errors.map((e: { index: number }) => e.index))).toEqual(new Set([0, 1]));
    expect(c.count()).toBe(0);
  });
});

describe('deep nesting', () => {
  // Attune.track('Tree', { tree: nest(4500) }): about 27 KB, under the size limit. Written as
  // text, since JSON.stringify itself overflows the stack on it.
  const tree = '{"a":'.repeat(4499) + '{}' + '}'.repeat(4499);
  const withTree = (events: Record<string, unknown>[]) => JSON.stringify(batchOf(events)).replace('"TREE"', tree);

  it('answers 400 naming the path for an event 4,500 levels deep, never 500', async () => {
    const body = withTree([trackEvent('Tree', { tree: 'TREE' })]);
    expect(body.length).toBeLessThan(32 * 1024);
    const res = await c.post(body);
    expect(res.status).toBe(400);
    expect((await res.json()).errors).toEqual([{ index: 0, path: 'properties', message: `nests deeper than ${MAX_DEPTH} levels` }]);
  });

  it('rejects only that event of a batch, in any top-level field', async () => {
    const res = await c.post(withTree([trackEvent('Ok'), trackEvent('Tree', {}, { context: 'TREE' }), trackEvent('Ok')]));
    expect(res.status).toBe(200);
    const body = (await res.json()) as Answer;
    expect(body.stored).toBe(2);
    expect(body.rejected).toEqual([{ index: 1, path: 'context', message: `nests deeper than ${MAX_DEPTH} levels` }]);
  });
});
