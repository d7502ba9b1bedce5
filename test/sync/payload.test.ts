import { describe, expect, it } from 'vitest';
import { batchPayload, countThatFits } from '../../src/sync/payload';
import { buildEvent } from '../../src/core/event';
import type { AttuneEvent } from '../../src/core/types';
import { eventContext } from '../fixtures';
import { VERSION } from '../../src/core/version';

const context = eventContext();
const now = Date.UTC(2026, 10, 25);
const make = (input: Parameters<typeof buildEvent>[0], userId?: string) => buildEvent(input, { anonymousId: 'anon', userId }, context, now).event!;

// What Segment's HTTP Tracking API requires of each call in a batch (its "HTTP API
// Source" docs, Errors section): a userId and/or anonymousId, an `event` name on
// track calls, and a unique messageId, by which it deduplicates; batches are capped
// at 500 KB and each call at 32 KB.
const REQUIRED: Record<string, string[]> = { track: ['event'], page: [], identify: [] };

describe('batchPayload', () => {
  it('is a Segment batch: every call carries the fields the spec requires', () => {
    const events = [
      make({ type: 'page', name: 'Home', properties: {} }),
      make({ type: 'track', event: 'Product Viewed', properties: { product_id: 'p1' } }),
      make({ type: 'identify', traits: { plan: 'pro' } }, 'user-1'),
    ];
    const payload = JSON.parse(JSON.stringify(batchPayload(events, now)));
    expect(Object.keys(payload).sort()).toEqual(['batch', 'sentAt']);
    expect(payload.sentAt).toBe('2026-11-25T00:00:00.000Z');
    for (const call of payload.batch) {
      expect(['track', 'page', 'identify']).toContain(call.type);
      expect(typeof call.messageId).toBe('string');
      expect(new Date(call.timestamp).toISOString()).toBe(call.timestamp);
      expect(call.anonymousId || call.userId).toBeTruthy();
      for (const field of REQUIRED[call.type]) expect(call).toHaveProperty(field);
      expect(call.context.library).toEqual({ name: 'attune', version: VERSION });
    }
  });

  it('carries the write key in the body when there is one, for beacons', () => {
    expect(batchPayload([], now, 'wk_123')).toMatchObject({ writeKey: 'wk_123' });
  });
});

describe('countThatFits', () => {
  const sized = (chars: number) => ({ type: 'track', event: 'E', properties: { text: 'x'.repeat(chars) } }) as unknown as AttuneEvent;
  it('takes events from the front while the body stays under the limit', () => {
    expect(countThatFits([sized(100), sized(100), sized(100)], 60_000)).toBe(3);
    expect(countThatFits([sized(9_000), sized(9_000), sized(9_000)], 60_000)).toBe(2);
  });
  it('always takes at least one, so a large event still goes', () => {
    expect(countThatFits([sized(30_000)], 60_000)).toBe(1);
  });
});
