import { describe, expect, it } from 'vitest';
import { buildEvent, MAX_EVENT_BYTES } from '../../src/core/event';
import { eventContext } from '../fixtures';
import { VERSION } from '../../src/core/version';
import pkg from '../../package.json';

const context = eventContext('https://shop.test/p?x=1');
const ids = { anonymousId: 'anon-1' };

describe('buildEvent', () => {
  it('gives every event a message id, a time and the context at birth', () => {
    const now = Date.UTC(2026, 10, 25, 12);
    const a = buildEvent({ type: 'track', event: 'Signed Up', properties: { plan: 'pro' } }, ids, context, now).event!;
    const b = buildEvent({ type: 'track', event: 'Signed Up', properties: { plan: 'pro' } }, ids, context, now).event!;
    expect(a).toMatchObject({
      type: 'track',
      event: 'Signed Up',
      properties: { plan: 'pro' },
      anonymousId: 'anon-1',
      timestamp: '2026-11-25T12:00:00.000Z',
      context,
    });
    expect(a.messageId).toMatch(/^[\w-]{21}$/);
    expect(a.messageId).not.toBe(b.messageId);
    expect(a).not.toHaveProperty('userId');
  });

  it('puts traits on identify events and the user id when known', () => {
    const { event } = buildEvent({ type: 'identify', traits: { email: 'a@b.c' } }, { anonymousId: 'x', userId: 'u1' }, context, 0);
    expect(event).toMatchObject({ type: 'identify', traits: { email: 'a@b.c' }, userId: 'u1' });
    expect(event).not.toHaveProperty('properties');
  });

  it('records a cleaned event and reports what was dropped, naming the call', () => {
    const { event, errors } = buildEvent({ type: 'track', event: 'Clicked', properties: { ok: 1, handler: () => 0 } }, ids, context, 0);
    expect(event?.properties).toEqual({ ok: 1 });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ name: 'AttuneError', code: 'unserialisable', path: 'track("Clicked")' });
    expect(errors[0].message).toContain('properties.handler (function dropped)');
  });

  it('refuses an event over 32 KB and names its size', () => {
    const big = 'é'.repeat(17_000); // 34,000 UTF-8 bytes, though only 17,000 characters
    const { event, errors } = buildEvent({ type: 'track', event: 'Big', properties: { big } }, ids, context, 0);
    expect(event).toBeUndefined();
    expect(errors[0]).toMatchObject({ code: 'too-large', path: 'track("Big")' });
    expect(errors[0].message).toMatch(/Event of 34\d{3} bytes is over the 32768-byte limit/);
    expect(MAX_EVENT_BYTES).toBe(32768);
  });

  it('accepts an event just under the limit', () => {
    const { event, errors } = buildEvent({ type: 'track', event: 'Fits', properties: { text: 'a'.repeat(30_000) } }, ids, context, 0);
    expect(errors).toEqual([]);
    expect(event?.properties?.text).toHaveLength(30_000);
  });

  it('sends the package version as the library version', () => {
    expect(VERSION).toBe(pkg.version);
  });
});
