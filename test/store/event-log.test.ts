import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/database';
import { createEventLog, DEFAULT_RETENTION, eventKey } from '../../src/store/event-log';
import type { AttuneEvent } from '../../src/core/types';

let n = 0;
const eventsStore = () => openDatabase(`log-test-${n++}`, { onFallback: () => {} }).store('events');
const DAY = 864e5;
const T0 = Date.UTC(2026, 10, 1);

const event = (id: string, at: number) => ({ type: 'track', event: 'E', messageId: id, timestamp: new Date(at).toISOString() }) as AttuneEvent;
const keyed = (...events: AttuneEvent[]): [string, AttuneEvent][] => events.map((e) => [eventKey(e), e]);

describe('event log', () => {
  it('keeps the newest 5,000 events and none older than 30 days by default', () => {
    expect(DEFAULT_RETENTION).toEqual({ maxEvents: 5000, maxAgeMs: 30 * DAY });
  });

  it('returns events oldest first, whatever order they were appended in', async () => {
    const log = createEventLog(eventsStore());
    await log.load(T0);
    await log.append(keyed(event('b', T0 + 2000), event('a', T0 + 1000)), T0 + 2000);
    await log.append(keyed(event('c', T0 + 1500)), T0 + 2000);
    expect((await log.all()).map((e) => e.messageId)).toEqual(['a', 'c', 'b']);
  });

  it('keeps the order of events recorded in the same millisecond', async () => {
    const log = createEventLog(eventsStore());
    await log.load(T0);
    const ids = Array.from({ length: 50 }, (_, i) => `z${49 - i}`); // ids that sort backwards
    await log.append(keyed(...ids.map((id) => event(id, T0))), T0);
    expect((await log.all()).map((e) => e.messageId)).toEqual(ids);
  });

  it('drops the oldest beyond the count limit', async () => {
    const log = createEventLog(eventsStore(), { maxEvents: 5, maxAgeMs: 365 * DAY });
    await log.load(T0);
    for (let i = 0; i < 12; i++) await log.append(keyed(event(`e${String(i).padStart(2, '0')}`, T0 + i)), T0 + i);
    expect((await log.all()).map((e) => e.messageId)).toEqual(['e07', 'e08', 'e09', 'e10', 'e11']);
  });

  it('drops events older than the age limit, on append and on load', async () => {
    const store = eventsStore();
    const log = createEventLog(store, { maxEvents: 100, maxAgeMs: 30 * DAY });
    await log.load(T0);
    await log.append(keyed(event('old', T0), event('mid', T0 + 10 * DAY)), T0 + 10 * DAY);
    await log.append(keyed(event('new', T0 + 31 * DAY)), T0 + 31 * DAY);
    expect((await log.all()).map((e) => e.messageId)).toEqual(['mid', 'new']);
    // A later page load, 45 days on, prunes what aged out meanwhile.
    const later = createEventLog(store, { maxEvents: 100, maxAgeMs: 30 * DAY });
    await later.load(T0 + 45 * DAY);
    expect((await later.all()).map((e) => e.messageId)).toEqual(['new']);
  });

  it('applies the count limit to what an earlier page stored', async () => {
    const store = eventsStore();
    const first = createEventLog(store, { maxEvents: 10, maxAgeMs: 365 * DAY });
    await first.load(T0);
    await first.append(keyed(...Array.from({ length: 10 }, (_, i) => event(`e${i}`, T0 + i))), T0 + 10);
    const second = createEventLog(store, { maxEvents: 3, maxAgeMs: 365 * DAY });
    await second.load(T0 + 20);
    expect((await second.all()).map((e) => e.messageId)).toEqual(['e7', 'e8', 'e9']);
  });

  it('applies retention to what was appended while an earlier page\'s events were still being listed', async () => {
    const store = eventsStore();
    const first = createEventLog(store, { maxEvents: 10, maxAgeMs: 365 * DAY });
    await first.load(T0);
    await first.append(keyed(...Array.from({ length: 4 }, (_, i) => event(`e${i}`, T0 + i))), T0 + 10);
    // The recorder does not wait for the listing before its first write.
    const second = createEventLog(store, { maxEvents: 3, maxAgeMs: 365 * DAY });
    const listing = second.load(T0 + 20);
    await second.append(keyed(event('n0', T0 + 20), event('n1', T0 + 21)), T0 + 21);
    await listing;
    expect((await second.all()).map((e) => e.messageId)).toEqual(['e3', 'n0', 'n1']);
    // Its key list holds each key once: one more append drops exactly one more.
    await second.append(keyed(event('n2', T0 + 22)), T0 + 22);
    expect((await second.all()).map((e) => e.messageId)).toEqual(['n0', 'n1', 'n2']);
  });
});
