// @vitest-environment node
// One person across devices and ids, over real HTTP and a real SQLite file: identify
// links anonymous ids to the user, alias merges ids, the report counts the person once,
// and alias and group events without their ids are refused with JSON paths.
import { afterEach, describe, expect, it, vi } from 'vitest';
import Database from 'better-sqlite3';
import type { Report } from '../../server/report-types';
import { startTestCollector, trackEvent, type TestCollector } from './helpers';

// Each test makes a few dozen requests; on a loaded machine that takes more than 5 s.
vi.setConfig({ testTimeout: 30_000 });

const TOKEN = 'identity-test-token-0123456789';
const CLOCK = Date.UTC(2024, 4, 10, 12);

let collector: TestCollector | undefined;
afterEach(async () => {
  await collector?.stop();
  collector = undefined;
});

// Who sent an event, and when (1 May 2024 + day, at hour:minute).
type Who = { anonymousId?: string; userId?: string };
const at = (who: Who, day: number, minute: number) => ({ anonymousId: undefined, ...who, timestamp: new Date(Date.UTC(2024, 4, day, 10, minute)).toISOString() });
const page = (who: Who, day: number, minute: number) => ({ ...trackEvent('', {}, at(who, day, minute)), type: 'page', event: undefined, name: 'Home' });
const call = (type: string, who: Who, day: number, minute: number, fields: object = {}) => ({ ...page(who, day, minute), type, name: undefined, properties: undefined, ...fields });
const identify = (who: Who, day: number, minute: number) => call('identify', who, day, minute, { traits: { plan: 'pro' } });
const viewed = (who: Who, day: number, minute: number) =>
  trackEvent('Variant Viewed', { placement: 'hero', variant: 'plain', reason: 'weighted', segment: 'new', group: 'treatment' }, at(who, day, minute));
const converted = (who: Who, day: number, minute: number) =>
  trackEvent('Variant Converted', { placement: 'hero', variant: 'plain', segment: 'new', group: 'treatment', goal: 'Order Completed', value: 40 }, at(who, day, minute));

async function start() {
  collector = await startTestCollector({ adminToken: TOKEN, clock: () => CLOCK });
  return collector;
}

// Each batch is counted before the next is sent: a read of the report counts whatever
// the collector has stored and not counted yet, so the batches' order is the test's.
async function send(c: TestCollector, ...batches: unknown[][]) {
  for (const batch of batches) {
    const response = await c.post({ batch }, { path: '/v1/batch?site=shop' });
    expect(response.status).toBe(200);
    expect((await response.json()).rejected).toEqual([]);
    await report(c);
  }
}

async function report(c: TestCollector, from = '2024-05-01', to = '2024-05-09') {
  const response = await fetch(`${c.url}/v1/report?site=shop&from=${from}&to=${to}`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  expect(response.status).toBe(200);
  return (await response.json()) as Report;
}

function links(c: TestCollector) {
  const db = new Database(c.dbFile, { readonly: true });
  try {
    return db.prepare('SELECT id, user_id, kind FROM identity_links WHERE site = ? ORDER BY id').all('shop');
  } finally {
    db.close();
  }
}

describe('identify across devices', () => {
  it('links both devices to the user, counts them as one visitor, and keeps the first device\'s exposure', async () => {
    const c = await start();
    const laptop = { anonymousId: 'laptop' };
    const phone = { anonymousId: 'phone' };
    const user = (device: Who) => ({ ...device, userId: 'u-1' });
    await send(
      c,
      // The laptop browses anonymously, sees the hero, signs in, then converts as the user.
      [page(laptop, 1, 0), viewed(laptop, 1, 1), identify(user(laptop), 1, 2), page(user(laptop), 1, 3)],
      [converted(user(laptop), 1, 4)],
      // The phone signs in in the batch of its first page view (a queued identify, say).
      [page(phone, 2, 0), identify(user(phone), 2, 1), page(user(phone), 2, 2)],
      [page(user(phone), 3, 0)],
      // Someone else, never identified.
      [page({ anonymousId: 'stranger' }, 2, 5)],
    );
    expect(links(c)).toEqual([
      { id: 'laptop', user_id: 'u-1', kind: 'anonymous' },
      { id: 'phone', user_id: 'u-1', kind: 'anonymous' },
    ]);
    const body = await report(c);
    // Two people, not three devices.
    expect(body.kpis.visitors).toBe(2);
    expect(body.kpis.daily.map((d) => [d.day, d.visitors])).toEqual([
      ['2024-05-01', 1],
      ['2024-05-02', 2],
      ['2024-05-03', 1],
    ]);
    // The exposure made anonymously on the laptop moved to the user, so the conversion matched it.
    expect(body.placements[0].variants[0]).toMatchObject({ variant: 'plain', visitors: 1, impressions: 1, converters: 1, conversions: 1, value: 40 });
    expect(c.count('cohort_members', "visitor = 'laptop'")).toBe(0);
    expect(c.count('daily_counts', "metric = 'unmatched-conversion'")).toBe(0);
  });

  it('counts a device apart until its link, then as the user; its later anonymous events too', async () => {
    const c = await start();
    const phone = { anonymousId: 'phone' };
    await send(
      c,
      [page({ anonymousId: 'laptop' }, 1, 0), identify({ anonymousId: 'laptop', userId: 'u-1' }, 1, 1)],
      // The phone's day 2 came before anything linked it.
      [page(phone, 2, 0)],
      [identify({ ...phone, userId: 'u-1' }, 3, 0), page({ ...phone, userId: 'u-1' }, 3, 1)],
      // A sender that leaves userId out: the phone's link still says who it is.
      [page(phone, 4, 0)],
    );
    const body = await report(c);
    expect(body.kpis.visitors).toBe(2);
    expect((await report(c, '2024-05-03', '2024-05-04')).kpis.visitors).toBe(1);
    expect((await report(c, '2024-05-01', '2024-05-01')).kpis.visitors).toBe(1);
    expect(c.count('visitor_days', "visitor = 'phone'")).toBe(1);
    expect(c.count('visitor_days', "visitor = 'u-1'")).toBe(3);
  });

  it('follows the latest user on a shared device, without moving what the first one did', async () => {
    const c = await start();
    const kiosk = { anonymousId: 'kiosk' };
    await send(c, [identify({ ...kiosk, userId: 'ann' }, 1, 0), page({ ...kiosk, userId: 'ann' }, 1, 1)], [identify({ ...kiosk, userId: 'bob' }, 2, 0)], [page(kiosk, 2, 1)]);
    expect(links(c)).toEqual([{ id: 'kiosk', user_id: 'bob', kind: 'anonymous' }]);
    expect(c.count('visitor_days', "visitor = 'ann'")).toBe(1);
    expect(c.count('visitor_days', "visitor = 'bob'")).toBe(1);
  });
});

describe('alias', () => {
  it('merges an earlier user id into the kept one: its rows, its links and its later events', async () => {
    const c = await start();
    const device = { anonymousId: 'device', userId: 'old-login' };
    await send(
      c,
      [identify(device, 1, 0), viewed(device, 1, 1)],
      [call('alias', { anonymousId: 'device', userId: 'new-id' }, 1, 2, { previousId: 'old-login' })],
      [converted({ anonymousId: 'device', userId: 'new-id' }, 1, 3), page({ userId: 'old-login' }, 2, 0)],
    );
    expect(links(c)).toEqual([
      { id: 'device', user_id: 'new-id', kind: 'anonymous' },
      { id: 'old-login', user_id: 'new-id', kind: 'alias' },
    ]);
    const body = await report(c);
    expect(body.kpis.visitors).toBe(1);
    expect(body.placements[0].variants[0]).toMatchObject({ visitors: 1, converters: 1 });
    expect(c.count('cohort_members', "visitor = 'old-login'")).toBe(0);
    // An alias sent again, or the other way round, changes nothing: links never form a cycle.
    await send(c, [call('alias', { userId: 'old-login' }, 2, 1, { previousId: 'new-id' })]);
    expect(links(c)).toHaveLength(2);
    expect((await report(c)).kpis.visitors).toBe(1);
  });

  it('merges an anonymous id named as previousId, from a server-side sender', async () => {
    const c = await start();
    await send(c, [page({ anonymousId: 'cookie-7' }, 1, 0)], [call('alias', { userId: 'crm-7' }, 1, 1, { previousId: 'cookie-7' })], [page({ userId: 'crm-7' }, 2, 0)]);
    expect(links(c)).toEqual([{ id: 'cookie-7', user_id: 'crm-7', kind: 'alias' }]);
    expect((await report(c)).kpis.visitors).toBe(1);
  });
});

describe('alias and group at the door', () => {
  it('stores valid alias and group events and refuses those without their ids, with JSON paths', async () => {
    const c = await start();
    const who = { anonymousId: 'a', userId: 'u' };
    const batch = [
      call('group', who, 1, 0, { groupId: 'acme', traits: { industry: 'retail', employees: 250 } }),
      call('alias', who, 1, 1, { previousId: 'earlier' }),
      call('group', who, 1, 2, {}),
      call('group', who, 1, 3, { groupId: 'acme', traits: ['retail'] }),
      call('alias', who, 1, 4, {}),
      call('alias', { anonymousId: 'a' }, 1, 5, { previousId: 'earlier' }),
      call('alias', who, 1, 6, { previousId: 'u' }),
      call('alias', who, 1, 7, { previousId: 'x'.repeat(201) }),
      call('merge', who, 1, 8),
    ];
    const response = await c.post({ batch }, { path: '/v1/batch?site=shop' });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { stored: number; rejected: { index: number; path: string; message: string }[] };
    expect(body.stored).toBe(2);
    expect(body.rejected.map(({ index, path }) => [index, path])).toEqual([
      [2, 'groupId'],
      [3, 'traits'],
      [4, 'previousId'],
      [5, 'userId'],
      [6, 'previousId'],
      [7, 'previousId'],
      [8, 'type'],
    ]);
    expect(body.rejected[3].message).toBe('an alias needs the userId that previousId is merged into');
    expect(body.rejected[6].message).toBe('must be "track", "page", "identify", "alias" or "group"');
    expect(c.count('events', "type IN ('alias', 'group')")).toBe(2);
  });
});
